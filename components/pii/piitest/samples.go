// Package piitest holds the redaction test matrix shared by the detector tests, the
// processor tests and the end-to-end tests: every detector's positives, written in every
// key/value form the engine promises to see through. Secrets are assembled at run time so
// no file holds a token-shaped literal that secret scanners would flag.
package piitest

import (
	"net/url"
	"strings"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

// Positive is one secret a detector must find.
type Positive struct {
	// Detector is the detector that finds it.
	Detector string
	// Secret is the value as written.
	Secret string
	// Needle is what must not appear in the output (Secret unless the secret spans
	// lines or quotes that encoders escape).
	Needle string
	// Key, when set, is the key that makes the value a secret (secret_kv, aws_secret_key):
	// the value has no shape of its own and is only found next to such a key.
	Key string
	// Prefix is context that belongs in front of the value (the "Bearer " of an auth
	// header).
	Prefix string
	// URLForms says the secret is also written URL-encoded and in URL paths and queries
	// (a space-grouped number or a PEM block is not what a URL carries).
	URLForms bool
}

// Fake secrets; each is valid for its detector's validator (Luhn, IBAN mod 97, SSA rules).
var (
	gitHub    = "ghp_" + strings.Repeat("Qw3r", 9)
	gitLab    = "glpat-" + "xY7" + strings.Repeat("k2", 9) + "Q"
	slack     = "xoxb-" + "123456789012-1234567890123-" + strings.Repeat("AbCd", 6)
	stripe    = "sk_" + "live_" + strings.Repeat("4eC3", 6)
	awsKeyID  = "AKIA" + "ZXCVBNMASDFG2345"
	awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
	gcpKey    = "AIza" + "SyD" + strings.Repeat("aGmWKa4Js", 3) + "XZ-Hj"
	jwt       = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	pemBody   = "MIIEpAIBAAKCAQEA7" + "xMatrixKeyBody"
	pem       = "-----BEGIN RSA PRIVATE KEY-----\n" + pemBody + "\n-----END RSA PRIVATE KEY-----"
)

// Positives lists one or more secrets per built-in detector.
func Positives() []Positive {
	return []Positive{
		{Detector: pii.DetectorCreditCard, Secret: "4111111111111111", URLForms: true},
		{Detector: pii.DetectorCreditCard, Secret: "5500-0000-0000-0004", URLForms: true},
		{Detector: pii.DetectorCreditCard, Secret: "3782 822463 10005"},
		{Detector: pii.DetectorIBAN, Secret: "DE89370400440532013000", URLForms: true},
		{Detector: pii.DetectorEmail, Secret: "ana.souza@example.com", URLForms: true},
		{Detector: pii.DetectorPhone, Secret: "+14155552671", URLForms: true},
		{Detector: pii.DetectorPhone, Secret: "(415) 555-2671"},
		{Detector: pii.DetectorPhone, Secret: "415-555-2671", URLForms: true},
		{Detector: pii.DetectorUSSSN, Secret: "536-22-1234", URLForms: true},
		{Detector: pii.DetectorIPv4, Secret: "192.168.10.20", URLForms: true},
		{Detector: pii.DetectorIPv6, Secret: "2001:db8::8a2e:370:7334"},
		{Detector: pii.DetectorJWT, Secret: jwt, URLForms: true},
		{Detector: pii.DetectorAWSAccessKeyID, Secret: awsKeyID, URLForms: true},
		{Detector: pii.DetectorAWSSecretKey, Secret: awsSecret, Key: "aws_secret_access_key", URLForms: true},
		{Detector: pii.DetectorGCPAPIKey, Secret: gcpKey, URLForms: true},
		{Detector: pii.DetectorGitHubToken, Secret: gitHub, URLForms: true},
		{Detector: pii.DetectorGitLabToken, Secret: gitLab, URLForms: true},
		{Detector: pii.DetectorSlackToken, Secret: slack, URLForms: true},
		{Detector: pii.DetectorStripeKey, Secret: stripe, URLForms: true},
		{Detector: pii.DetectorPrivateKey, Secret: pem, Needle: pemBody},
		{Detector: pii.DetectorAuthHeader, Secret: "dXNlcjpNYXRyaXhQYXNz", Key: "Authorization", Prefix: "Basic "},
		{Detector: pii.DetectorURLCredentials, Secret: "postgres://admin:Matr1xDbPass@db.internal:5432/app", Needle: "Matr1xDbPass"},
		{Detector: pii.DetectorSecretKV, Secret: "hunter2Hunter2", Key: "password", URLForms: true},
		{Detector: pii.DetectorSecretKV, Secret: "tkMatrix0987zyx", Key: "X-Api-Key", URLForms: true},
	}
}

// Form writes a value as it appears in text.
type Form struct {
	// Name identifies the form in test names.
	Name string
	// URL marks the URL forms (used only for Positive.URLForms secrets).
	URL bool
	// Render writes value (already prefixed) under key. Self-identifying secrets get a
	// neutral key ("ref"), so only the detector itself can find them.
	Render func(key, value string) string
}

// Forms lists the key/value forms of item 2 of issue 15.
func Forms() []Form {
	return []Form{
		{Name: "bare", Render: func(k, v string) string { return "note " + k + " " + v + " done" }},
		{Name: "eq", Render: func(k, v string) string { return k + "=" + v }},
		{Name: "eq_spaces", Render: func(k, v string) string { return k + " = " + v }},
		{Name: "eq_tab", Render: func(k, v string) string { return k + "\t=" + v }},
		{Name: "colon", Render: func(k, v string) string { return k + ": " + v }},
		{Name: "colon_spaces", Render: func(k, v string) string { return k + " :  " + v }},
		{Name: "ruby_hash", Render: func(k, v string) string { return `{"` + k + `"=>"` + v + `", "n"=>1}` }},
		{Name: "ruby_symbol", Render: func(k, v string) string { return `{:` + k + ` => '` + v + `'}` }},
		{Name: "json", Render: func(k, v string) string { return `{"` + k + `": "` + v + `", "n": 1}` }},
		{Name: "json_compact", Render: func(k, v string) string { return `{"` + k + `":"` + v + `"}` }},
		{Name: "python_dict", Render: func(k, v string) string { return `{'` + k + `': '` + v + `', 'n': 1}` }},
		{Name: "python_unicode", Render: func(k, v string) string { return `{u'` + k + `': u'` + v + `'}` }},
		{Name: "header", Render: func(k, v string) string { return "X-Request-Id: 42\r\n" + headerKey(k) + ": " + v + "\r\n" }},
		{Name: "punct_period", Render: func(k, v string) string { return "see " + k + " " + v + "." }},
		{Name: "punct_paren", Render: func(k, v string) string { return "(" + k + " " + v + "), next" }},
		{Name: "url_encoded", URL: true, Render: func(k, v string) string {
			return "q=a%26" + k + "%3D" + url.QueryEscape(v) + "%26page%3D2"
		}},
		{Name: "url_query", URL: true, Render: func(k, v string) string { return "GET /cb?state=1&" + k + "=" + v + "&page=2 HTTP/1.1" }},
		// The value right after a numeric path segment ("/v1/"), which a date-like
		// "12/25/2024" rule must not swallow.
		{Name: "url_path", URL: true, Render: func(k, v string) string { return "GET /api/v1/" + v + "/" + k + " HTTP/1.1" }},
	}
}

// headerKey writes a key in HTTP header case (x-api-key -> X-Api-Key).
func headerKey(k string) string {
	b := []byte(strings.ReplaceAll(k, "_", "-"))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

// Sample is one positive in one form.
type Sample struct {
	Detector, Form, Text, Needle string
}

// Samples returns every positive in every form that applies to it. A keyed positive
// (secret_kv, ...) has no URL path form: "/password/x" names no assignment.
func Samples() []Sample {
	var out []Sample
	for _, p := range Positives() {
		needle := p.Needle
		if needle == "" {
			needle = p.Secret
		}
		for _, f := range Forms() {
			if f.URL && !p.URLForms || p.Key != "" && (f.Name == "bare" || f.Name == "url_path" || f.Name == "punct_period" || f.Name == "punct_paren") {
				continue
			}
			key := p.Key
			if key == "" {
				key = "ref"
			}
			n := needle
			if f.Name == "url_encoded" {
				n = url.QueryEscape(needle)
			}
			out = append(out, Sample{Detector: p.Detector, Form: f.Name, Text: f.Render(key, p.Prefix+p.Secret), Needle: n})
		}
	}
	return out
}

// Number is a secret stored as a number (an int or double attribute, a Datadog numeric
// tag).
type Number struct {
	Detector, Key string
	Value         int64
}

// Numbers lists numeric positives: a card under any key, an SSN and phone numbers under
// keys that name them.
func Numbers() []Number {
	return []Number{
		{Detector: pii.DetectorCreditCard, Key: "order.ref", Value: 4111111111111111},
		{Detector: pii.DetectorCreditCard, Key: "amount", Value: 5500000000000004},
		{Detector: pii.DetectorUSSSN, Key: "user.ssn", Value: 536221234},
		{Detector: pii.DetectorPhone, Key: "contact.phone", Value: 4155552671},
		{Detector: pii.DetectorPhone, Key: "mobile_number", Value: 14155552671},
	}
}

// Enabled reports whether detector is on with these presets (what the processor's
// presets option turns on).
func Enabled(presets []string, detector string) bool {
	for _, p := range presets {
		ds, _ := pii.PresetDetectors(p)
		for _, d := range ds {
			if d == detector {
				return true
			}
		}
	}
	return false
}
