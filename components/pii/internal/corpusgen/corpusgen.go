// Package corpusgen generates the labelled redaction corpus in components/pii/testdata:
// positives for every detector embedded in realistic log lines and JSON bodies, and hard
// negatives (ids, timestamps, UUIDs, versions, numbers failing Luhn) that must stay
// untouched. It is deterministic: the same seed writes the same bytes, so the committed
// corpus can be checked against it (`go test ./components/pii -run TestCorpus -update`).
package corpusgen

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Line is one corpus entry.
type Line struct {
	// Label is "pos" (Secret must not survive redaction) or "neg" (Text must be unchanged).
	Label string `json:"label"`
	// Detector is the detector that should find Secret (positives only).
	Detector string `json:"detector,omitempty"`
	// Kind names the shape of a negative (order_id, uuid, ...).
	Kind   string `json:"kind,omitempty"`
	Secret string `json:"secret,omitempty"`
	Text   string `json:"text"`
}

// PositivesPerDetector and Negatives size the corpus.
const (
	PositivesPerDetector = 36
	Negatives            = 520
)

type gen struct{ r *rand.Rand }

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower  = "abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
	alnum  = upper + lower + digits
	b32    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64    = alnum + "+/"
	hexd   = "0123456789abcdef"
)

func (g *gen) str(n int, alphabet string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) num(lo, hi int) int       { return lo + g.r.IntN(hi-lo+1) }

func (g *gen) ts() string {
	return fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02d.%03dZ", g.num(1, 12), g.num(1, 28), g.num(0, 23), g.num(0, 59), g.num(0, 59), g.num(0, 999))
}

func (g *gen) service() string {
	return g.pick("checkout", "payments", "auth-svc", "user-api", "billing", "gateway", "orders", "notifier", "ledger", "search")
}

func (g *gen) level() string { return g.pick("INFO", "WARN", "ERROR", "DEBUG") }

func luhnDigit(partial string) byte {
	sum := 0
	double := true
	for i := len(partial) - 1; i >= 0; i-- {
		d := int(partial[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

func (g *gen) cardDigits() string {
	prefix, n := "", 16
	switch g.r.IntN(6) {
	case 0:
		prefix = "4" + g.str(5, digits)
	case 1:
		prefix = strconv.Itoa(g.num(51, 55)) + g.str(4, digits)
	case 2:
		prefix, n = g.pick("34", "37")+g.str(4, digits), 15
	case 3:
		prefix = "6011" + g.str(2, digits)
	case 4:
		prefix = strconv.Itoa(g.num(3528, 3589)) + g.str(2, digits)
	default:
		prefix = strconv.Itoa(g.num(2221, 2720)) + g.str(2, digits)
	}
	body := prefix + g.str(n-1-len(prefix), digits)
	return body + string(luhnDigit(body))
}

func (g *gen) card() string {
	d := g.cardDigits()
	switch g.r.IntN(3) {
	case 0:
		return d
	case 1:
		if len(d) == 15 {
			return d[:4] + " " + d[4:10] + " " + d[10:]
		}
		return d[:4] + " " + d[4:8] + " " + d[8:12] + " " + d[12:]
	default:
		if len(d) == 15 {
			return d[:4] + "-" + d[4:10] + "-" + d[10:]
		}
		return d[:4] + "-" + d[4:8] + "-" + d[8:12] + "-" + d[12:]
	}
}

// badLuhn returns a 16-digit number with a card brand prefix that fails Luhn.
func (g *gen) badLuhn() string {
	d := g.cardDigits()
	for len(d) != 16 {
		d = g.cardDigits()
	}
	last := d[15]
	return d[:15] + string('0'+(last-'0'+byte(g.num(1, 9)))%10)
}

func mod97(s string) int {
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			rem = (rem*100 + int(c-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem
}

func (g *gen) iban() string {
	var country, bban string
	switch g.r.IntN(5) {
	case 0:
		country, bban = "DE", g.str(18, digits)
	case 1:
		country, bban = "GB", g.str(4, upper)+g.str(14, digits)
	case 2:
		country, bban = "FR", g.str(10, digits)+g.str(11, upper+digits)+g.str(2, digits)
	case 3:
		country, bban = "NL", g.str(4, upper)+g.str(10, digits)
	default:
		country, bban = "ES", g.str(20, digits)
	}
	check := 98 - mod97(bban+country+"00")
	iban := fmt.Sprintf("%s%02d%s", country, check, bban)
	if g.r.IntN(2) == 0 {
		return iban
	}
	var b strings.Builder
	for i := 0; i < len(iban); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(iban[i:min(i+4, len(iban))])
	}
	return b.String()
}

func (g *gen) name() string {
	return g.pick("anna", "li.wei", "j.smith", "maria_garcia", "o.brien", "kenji", "fatima.z", "pieter", "ngozi", "sam+alerts")
}

func (g *gen) email() string {
	return g.name() + strconv.Itoa(g.num(1, 99)) + "@" + g.pick("example.com", "mail.example.org", "corp.example.co.uk", "gmail.com", "outlook.de")
}

func (g *gen) nanp() (string, string) {
	a, b, c := strconv.Itoa(g.num(201, 899)), strconv.Itoa(g.num(200, 999)), fmt.Sprintf("%04d", g.num(0, 9999))
	for a[1] == '9' {
		a = strconv.Itoa(g.num(201, 899))
	}
	return a + b + c, g.pick(
		a+"-"+b+"-"+c, a+"."+b+"."+c, "("+a+") "+b+"-"+c, "+1 "+a+" "+b+" "+c, "+1-"+a+"-"+b+"-"+c, "+1"+a+b+c, "1-"+a+"-"+b+"-"+c,
	)
}

func (g *gen) phone() string {
	switch g.r.IntN(4) {
	case 0, 1:
		_, p := g.nanp()
		return p
	case 2:
		return g.pick("+44 20 "+g.str(4, digits)+" "+g.str(4, digits), "+44 7700 "+g.str(6, digits), "+49 151 "+g.str(8, digits), "+33 6 "+g.str(2, digits)+" "+g.str(2, digits)+" "+g.str(2, digits)+" "+g.str(2, digits), "+8613"+g.str(9, digits))
	default:
		return g.pick("020 "+g.str(4, digits)+" "+g.str(4, digits), "07700 9"+g.str(5, digits), "030 "+g.str(4, digits)+" "+g.str(4, digits))
	}
}

func (g *gen) ssn() string {
	area := g.num(1, 899)
	for area == 666 {
		area = g.num(1, 899)
	}
	sep := g.pick("-", "-", " ")
	return fmt.Sprintf("%03d%s%02d%s%04d", area, sep, g.num(1, 99), sep, g.num(1, 9999))
}

func (g *gen) ipv4() string {
	return fmt.Sprintf("%d.%d.%d.%d", g.num(1, 223), g.num(0, 255), g.num(0, 255), g.num(1, 254))
}

func (g *gen) ipv6() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("2001:db8:%x:%x::%x", g.num(0, 0xffff), g.num(0, 0xffff), g.num(1, 0xffff))
	case 1:
		return fmt.Sprintf("fe80::%x:%x:%x:%x", g.num(0, 0xffff), g.num(0, 0xffff), g.num(0, 0xffff), g.num(1, 0xffff))
	default:
		parts := make([]string, 8)
		for i := range parts {
			parts[i] = fmt.Sprintf("%x", g.num(0, 0xffff))
		}
		parts[0] = fmt.Sprintf("2%03x", g.num(0, 0xfff))
		return strings.Join(parts, ":")
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func (g *gen) jwt() string {
	h := b64url(fmt.Sprintf(`{"alg":"%s","typ":"JWT"}`, g.pick("HS256", "RS256", "ES256")))
	p := b64url(fmt.Sprintf(`{"sub":"%d","name":"%s","iat":%d}`, g.num(1000, 999999), g.name(), g.num(1600000000, 1800000000)))
	return h + "." + p + "." + g.str(43, alnum+"-_")
}

func (g *gen) awsKeyID() string    { return g.pick("AKIA", "ASIA") + g.str(16, b32) }
func (g *gen) awsSecret() string   { return g.str(40, b64) }
func (g *gen) gcpKey() string      { return "AIza" + g.str(35, alnum+"-_") }
func (g *gen) gitlabToken() string { return "glpat-" + g.str(20, alnum+"-_") }
func (g *gen) githubToken() string {
	if g.r.IntN(4) == 0 {
		return "github_pat_" + g.str(22, alnum) + "_" + g.str(59, alnum)
	}
	return g.pick("ghp_", "gho_", "ghs_", "ghu_") + g.str(36, alnum)
}

func (g *gen) slackToken() string {
	if g.r.IntN(4) == 0 {
		return "xapp-1-" + g.str(11, upper+digits) + "-" + g.str(13, digits) + "-" + g.str(64, hexd)
	}
	return g.pick("xoxb-", "xoxp-") + g.str(12, digits) + "-" + g.str(13, digits) + "-" + g.str(24, alnum)
}

func (g *gen) stripeKey() string {
	if g.r.IntN(5) == 0 {
		return "whsec_" + g.str(32, alnum)
	}
	return g.pick("sk_live_", "sk_test_", "rk_live_") + g.str(g.num(24, 99), alnum)
}

func (g *gen) pemBody() string {
	var lines []string
	for i := 0; i < g.num(3, 6); i++ {
		lines = append(lines, g.str(64, b64))
	}
	return strings.Join(lines, "\n")
}

func (g *gen) bearer() string { return g.str(g.num(24, 48), alnum+"-._") }
func (g *gen) basic() string {
	return base64.StdEncoding.EncodeToString([]byte(g.name() + ":" + g.str(g.num(8, 16), alnum)))
}
func (g *gen) password() string { return g.str(g.num(8, 20), alnum+"!#$%^*()-_+") }

// positive returns a realistic line carrying one secret for detector d.
func (g *gen) positive(d string) Line {
	svc, lvl, ts := g.service(), g.level(), g.ts()
	plain := func(msg string) string { return fmt.Sprintf("%s %-5s %s %s", ts, lvl, svc, msg) }
	jsonLine := func(fields map[string]any) string {
		fields["ts"], fields["level"], fields["service"] = ts, strings.ToLower(lvl), svc
		b, _ := json.Marshal(fields)
		return string(b)
	}
	var secret, text string
	switch d {
	case "credit_card":
		secret = g.card()
		text = g.pick(
			plain("charge authorised card="+secret+" amount="+strconv.Itoa(g.num(1, 999))+".00 currency=EUR"),
			plain("payment failed for card "+secret+": insufficient funds"),
			jsonLine(map[string]any{"msg": "checkout", "payment": map[string]any{"pan": secret, "exp": "12/27"}}),
			jsonLine(map[string]any{"msg": "customer entered " + secret + " in the notes field"}),
		)
	case "iban":
		secret = g.iban()
		text = g.pick(
			plain("SEPA transfer to "+secret+" scheduled, ref INV-"+g.str(6, digits)),
			jsonLine(map[string]any{"msg": "payout", "iban": secret, "amount": g.num(10, 9999)}),
		)
	case "email":
		secret = g.email()
		text = g.pick(
			plain("password reset requested by "+secret),
			plain("sent welcome mail to <"+secret+">"),
			jsonLine(map[string]any{"msg": "signup", "user": map[string]any{"email": secret, "plan": "pro"}}),
		)
	case "phone":
		secret = g.phone()
		text = g.pick(
			plain("SMS code sent to "+secret),
			plain("callback number: "+secret+", retry in 30s"),
			jsonLine(map[string]any{"msg": "contact updated", "phone": secret}),
		)
	case "us_ssn":
		secret = g.ssn()
		text = g.pick(
			plain("KYC check ssn="+secret+" result=pass"),
			jsonLine(map[string]any{"msg": "applicant", "ssn": secret, "state": "CA"}),
			plain("tax form W-9 submitted with SSN "+secret),
		)
	case "ipv4":
		secret = g.ipv4()
		text = g.pick(
			plain("login from "+secret+" accepted"),
			jsonLine(map[string]any{"msg": "request", "client_ip": secret, "status": 200}),
			plain("upstream "+secret+":"+strconv.Itoa(g.num(1024, 65535))+" timed out"),
		)
	case "ipv6":
		secret = g.ipv6()
		text = g.pick(
			plain("login from "+secret+" accepted"),
			jsonLine(map[string]any{"msg": "request", "client_ip": secret}),
			plain("connect to ["+secret+"]:443 refused"),
		)
	case "jwt":
		secret = g.jwt()
		text = g.pick(
			plain("validating token "+secret+" for audience api"),
			jsonLine(map[string]any{"msg": "session", "id_token": secret}),
			plain("cookie session="+secret+"; Path=/; HttpOnly"),
		)
	case "aws_access_key_id":
		secret = g.awsKeyID()
		text = g.pick(
			plain("using credentials "+secret+" for s3:PutObject"),
			jsonLine(map[string]any{"msg": "sts", "AccessKeyId": secret}),
		)
	case "aws_secret_key":
		secret = g.awsSecret()
		text = g.pick(
			plain("env AWS_SECRET_ACCESS_KEY="+secret+" loaded"),
			jsonLine(map[string]any{"msg": "sts", "SecretAccessKey": secret}),
			plain("aws_secret_key: "+secret),
		)
	case "gcp_api_key":
		secret = g.gcpKey()
		text = g.pick(
			plain("GET https://maps.example.com/geocode?address=x&key="+secret),
			jsonLine(map[string]any{"msg": "client init", "config": "browser key " + secret}),
		)
	case "github_token":
		secret = g.githubToken()
		text = g.pick(
			plain("git clone https://"+secret+"@github.com/org/repo.git"),
			plain("GITHUB_TOKEN is "+secret),
			jsonLine(map[string]any{"msg": "ci", "note": "using " + secret}),
		)
	case "gitlab_token":
		secret = g.gitlabToken()
		text = g.pick(
			plain("runner registered with "+secret),
			jsonLine(map[string]any{"msg": "ci", "header": "PRIVATE-TOKEN " + secret}),
		)
	case "slack_token":
		secret = g.slackToken()
		text = g.pick(
			plain("posting to slack with "+secret),
			jsonLine(map[string]any{"msg": "notifier", "detail": "bot " + secret + " rate limited"}),
		)
	case "stripe_key":
		secret = g.stripeKey()
		text = g.pick(
			plain("stripe client configured with "+secret),
			jsonLine(map[string]any{"msg": "webhook", "detail": "verifying with " + secret}),
		)
	case "private_key":
		label := g.pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
		body := g.pemBody()
		secret = body[:64]
		block := "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----"
		text = g.pick(
			plain("loaded key material:\n"+block+"\nfrom vault"),
			jsonLine(map[string]any{"msg": "tls config", "key": block}),
		)
	case "auth_header":
		if g.r.IntN(2) == 0 {
			secret = g.bearer()
			text = g.pick(
				plain("> GET /v1/me Authorization: Bearer "+secret),
				jsonLine(map[string]any{"msg": "upstream request", "headers": map[string]any{"authorization": "Bearer " + secret}}),
			)
		} else {
			secret = g.basic()
			text = g.pick(
				plain("proxy sent Authorization: Basic "+secret),
				jsonLine(map[string]any{"msg": "upstream request", "headers": map[string]any{"Authorization": "Basic " + secret}}),
			)
		}
	case "url_credentials":
		secret = g.password()
		for strings.ContainsAny(secret, "@/:?#") {
			secret = g.password()
		}
		text = g.pick(
			plain("connecting to postgres://app_user:"+secret+"@db.internal:5432/orders"),
			jsonLine(map[string]any{"msg": "broker", "url": "amqp://svc:" + secret + "@rabbit.local:5672/"}),
			plain("redis url redis://default:"+secret+"@cache:6379/0"),
		)
	case "secret_kv":
		secret = g.password()
		for strings.ContainsAny(secret, "&;,)") {
			secret = g.password()
		}
		text = g.pick(
			plain("login attempt user=admin password="+secret+" ok=false"),
			plain("POST /oauth/token?grant_type=client_credentials&client_secret="+secret+"&scope=read"),
			jsonLine(map[string]any{"msg": "config loaded", "db": map[string]any{"user": "app", "password": secret}}),
			plain(`config {"api_key": "`+secret+`", "region": "eu-west-1"}`),
			plain("DB_PASSWORD: "+secret),
		)
	default:
		panic("unknown detector " + d)
	}
	return Line{Label: "pos", Detector: d, Secret: secret, Text: text}
}

// negative returns a realistic line that contains nothing to redact.
func (g *gen) negative() Line {
	svc, lvl, ts := g.service(), g.level(), g.ts()
	plain := func(msg string) string { return fmt.Sprintf("%s %-5s %s %s", ts, lvl, svc, msg) }
	uuid := g.str(8, hexd) + "-" + g.str(4, hexd) + "-4" + g.str(3, hexd) + "-a" + g.str(3, hexd) + "-" + g.str(12, hexd)
	kinds := []func() (string, string){
		func() (string, string) {
			return "order_id", plain(fmt.Sprintf("order ORD-%d-%06d shipped, %d items", g.num(2019, 2025), g.num(1, 999999), g.num(1, 9)))
		},
		func() (string, string) { return "order_id", plain("order_id=" + g.badLuhn() + " status=paid") },
		func() (string, string) { return "luhn_fail", plain("reference " + g.badLuhn() + " not found") },
		func() (string, string) {
			d := g.badLuhn()
			return "luhn_fail", plain("ticket " + d[:4] + "-" + d[4:8] + "-" + d[8:12] + "-" + d[12:] + " closed")
		},
		func() (string, string) {
			return "uuid", plain("request_id=" + uuid + " completed in " + strconv.Itoa(g.num(1, 900)) + "ms")
		},
		func() (string, string) {
			b, _ := json.Marshal(map[string]any{"ts": ts, "level": "info", "msg": "job done", "job_id": uuid, "duration_ms": g.num(1, 99999)})
			return "uuid", string(b)
		},
		func() (string, string) {
			return "timestamp", plain(fmt.Sprintf("cron fired at %s (epoch %d, nanos %d)", g.ts(), g.num(1600000000, 1800000000), int64(g.num(1600000000, 1800000000))*1000000000+int64(g.num(0, 999999999))))
		},
		func() (string, string) {
			return "version", plain(fmt.Sprintf("starting %s v%d.%d.%d (go1.%d.%d, build %s)", svc, g.num(0, 3), g.num(0, 40), g.num(0, 20), g.num(20, 26), g.num(0, 9), g.str(7, hexd)))
		},
		func() (string, string) {
			return "version", plain(fmt.Sprintf("dependency upgraded from %d.%d.%d.%d to %d.%d.%d", g.num(1, 9), g.num(0, 9), g.num(0, 9), g.num(0, 9), g.num(1, 9), g.num(0, 9), g.num(0, 9)))
		},
		func() (string, string) {
			return "trace_id", plain("trace_id=" + g.str(32, hexd) + " span_id=" + g.str(16, hexd) + " sampled=true")
		},
		func() (string, string) { return "hash", plain("artifact sha256:" + g.str(64, hexd) + " verified") },
		func() (string, string) {
			return "http", plain(fmt.Sprintf("GET /api/v%d/orders/%d?page=%d&limit=%d 200 %dms", g.num(1, 3), g.num(1, 999999), g.num(1, 99), g.num(10, 100), g.num(1, 999)))
		},
		func() (string, string) {
			return "metrics", plain(fmt.Sprintf("heap=%dMiB gc_pause=%d.%03dms goroutines=%d rss=%d", g.num(10, 4000), g.num(0, 99), g.num(0, 999), g.num(10, 9999), g.num(100000000, 999999999)))
		},
		func() (string, string) {
			return "k8s", plain(fmt.Sprintf("pod %s-%s-%s restarted on node ip-10-0-%d-%d.ec2.internal", svc, g.str(10, lower+digits), g.str(5, lower+digits), g.num(0, 255), g.num(0, 255)))
		},
		func() (string, string) {
			return "prose", plain(g.pick(
				"basic authentication is disabled for this route",
				"the bearer token was missing from the request",
				"Authorization header missing, rejecting",
				"password reset email queued",
				"token refresh scheduled in 300s",
				"secret rotation completed for 3 keys",
				"user opened the settings page",
				"retrying in 5s (attempt 3/10)",
			))
		},
		func() (string, string) {
			return "kv_non_secret", plain(fmt.Sprintf("max_tokens=%d token_count=%d password_policy=strict secret_name=db-creds has_password=true", g.num(1, 8192), g.num(1, 999)))
		},
		func() (string, string) {
			return "money", plain(fmt.Sprintf("invoice total %d,%03d.%02d EUR tax %d.%02d", g.num(1, 999), g.num(0, 999), g.num(0, 99), g.num(1, 999), g.num(0, 99)))
		},
		func() (string, string) {
			return "date", plain(fmt.Sprintf("report for %04d-%02d-%02d..%04d-%02d-%02d at %02d:%02d:%02d", g.num(2019, 2025), g.num(1, 12), g.num(1, 28), g.num(2019, 2025), g.num(1, 12), g.num(1, 28), g.num(0, 23), g.num(0, 59), g.num(0, 59)))
		},
		func() (string, string) {
			return "file_at", plain(fmt.Sprintf("served /static/icon@%dx.png and lodash@%d.%d.%d", g.num(2, 3), g.num(1, 4), g.num(0, 17), g.num(0, 21)))
		},
		func() (string, string) {
			area := g.pick("000", "666", strconv.Itoa(g.num(900, 999)))
			return "invalid_ssn", plain(fmt.Sprintf("rejected test ssn %s-%02d-%04d (invalid area)", area, g.num(1, 99), g.num(1, 9999)))
		},
		func() (string, string) {
			return "phone_like", plain(fmt.Sprintf("sku %d-%03d-%04d batch %d", g.num(100, 199), g.num(0, 999), g.num(0, 9999), g.num(1, 99)))
		},
		func() (string, string) {
			return "hex_id", plain(fmt.Sprintf("commit %s object 0x%s build #%d", g.str(40, hexd), g.str(8, hexd), g.num(1, 99999)))
		},
		func() (string, string) {
			return "stack", plain(fmt.Sprintf("panic: runtime error: index out of range [%d] with length %d\n\tgoroutine %d [running]:\n\tmain.handle(0xc000%s)", g.num(1, 99), g.num(0, 99), g.num(1, 9999), g.str(6, hexd)))
		},
		func() (string, string) {
			return "sql", plain(fmt.Sprintf("SELECT id, status FROM orders WHERE customer_id = %d AND created_at > '2024-01-01' LIMIT %d", g.num(1, 999999), g.num(1, 100)))
		},
		func() (string, string) {
			return "base64_short", plain("etag W/\"" + g.str(12, alnum) + "\" cache=hit")
		},
	}
	k := kinds[g.r.IntN(len(kinds))]
	kind, text := k()
	return Line{Label: "neg", Kind: kind, Text: text}
}

// Detectors lists the detectors with positives, in corpus order.
var Detectors = []string{
	"credit_card", "iban", "email", "phone", "us_ssn", "ipv4", "ipv6", "jwt", "aws_access_key_id",
	"aws_secret_key", "gcp_api_key", "github_token", "gitlab_token", "slack_token", "stripe_key",
	"private_key", "auth_header", "url_credentials", "secret_kv",
}

// Generate writes the corpus as JSON lines.
func Generate(w io.Writer) error {
	g := &gen{r: rand.New(rand.NewPCG(20241126, 4))}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range Detectors {
		for i := 0; i < PositivesPerDetector; i++ {
			if err := enc.Encode(g.positive(d)); err != nil {
				return err
			}
		}
	}
	for i := 0; i < Negatives; i++ {
		if err := enc.Encode(g.negative()); err != nil {
			return err
		}
	}
	return nil
}
