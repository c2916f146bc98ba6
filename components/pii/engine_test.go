package pii

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test secrets are assembled at run time so no file holds a token-shaped literal that
// secret scanners would flag; the corpus under testdata is generated the same way.
var (
	testGitHub = "ghp_" + strings.Repeat("aB3d", 9)
	testGitLab = "glpat-" + "xY7" + strings.Repeat("k2", 9) + "Q"
	testSlack  = "xoxb-" + "123456789012-1234567890123-" + strings.Repeat("AbCd", 6)
	testStripe = "sk_" + "live_" + strings.Repeat("4eC3", 6)
	testAWS    = "AKIA" + "IOSFODNN7EXAMPLE"
	testAWSSec = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
	testGCP    = "AIza" + "SyD" + strings.Repeat("aGmWKa4Js", 3) + "XZ-Hj"
	testJWT    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	testPEM    = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----"
)

func newTestEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	require.NoError(t, err)
	return e
}

func allDetectors() Config {
	return Config{Presets: []string{PresetAll}, Include: []string{DetectorIPv4, DetectorIPv6}}
}

func TestDetectorsFindSecrets(t *testing.T) {
	require.Len(t, testGCP, 39)
	cases := []struct {
		detector, text, secret string
	}{
		{DetectorCreditCard, "paid with 4111 1111 1111 1111 today", "4111 1111 1111 1111"},
		{DetectorCreditCard, "card=4111111111111111", "4111111111111111"},
		{DetectorCreditCard, "mc 5500-0000-0000-0004.", "5500-0000-0000-0004"},
		{DetectorCreditCard, "amex 378282246310005", "378282246310005"},
		{DetectorCreditCard, "amex 3782 822463 10005 end", "3782 822463 10005"},
		{DetectorCreditCard, "discover:6011111111111117", "6011111111111117"},
		{DetectorCreditCard, "jcb 3530111333300000", "3530111333300000"},
		{DetectorCreditCard, "diners 30569309025904", "30569309025904"},
		{DetectorCreditCard, "grouped 4111 1111 1111 1111 2024 trailing number", "4111 1111 1111 1111"},
		{DetectorIBAN, "iban DE89370400440532013000 ok", "DE89370400440532013000"},
		{DetectorIBAN, "to GB82 WEST 1234 5698 7654 32 1000 EUR", "GB82 WEST 1234 5698 7654 32"},
		{DetectorIBAN, `{"iban":"FR1420041010050500013M02606"}`, "FR1420041010050500013M02606"},
		{DetectorEmail, "mail john.doe+x@example.co.uk now", "john.doe+x@example.co.uk"},
		{DetectorEmail, `"user":"Ana_M@sub.example.org"`, "Ana_M@sub.example.org"},
		{DetectorPhone, "call +1 415 555 2671.", "+1 415 555 2671"},
		{DetectorPhone, "tel +44 (0)20 7946 0958", "+44 (0)20 7946 0958"},
		{DetectorPhone, "phone: (415) 555-2671", "(415) 555-2671"},
		{DetectorPhone, "phone 415-555-2671 x", "415-555-2671"},
		{DetectorPhone, "phone 415.555.2671", "415.555.2671"},
		{DetectorPhone, "uk 020 7946 0958", "020 7946 0958"},
		{DetectorPhone, "de +4915112345678", "+4915112345678"},
		{DetectorUSSSN, "ssn 536-22-1234 filed", "536-22-1234"},
		{DetectorIPv4, "from 192.168.10.20:8080", "192.168.10.20"},
		{DetectorIPv6, "peer 2001:db8::8a2e:370:7334 up", "2001:db8::8a2e:370:7334"},
		{DetectorIPv6, "peer [fe80::1]:80", "fe80::1"},
		{DetectorIPv6, "peer ::ffff:10.0.0.1 x", "::ffff:10.0.0.1"},
		{DetectorJWT, "token " + testJWT + " ok", testJWT},
		{DetectorAWSAccessKeyID, "key " + testAWS + ",", testAWS},
		{DetectorAWSSecretKey, "aws_secret_access_key=" + testAWSSec, testAWSSec},
		{DetectorAWSSecretKey, `"SecretAccessKey": "` + testAWSSec + `"`, testAWSSec},
		{DetectorGCPAPIKey, "key=" + testGCP, testGCP},
		{DetectorGCPAPIKey, "gcp " + testGCP + " x", testGCP},
		{DetectorGitHubToken, "git " + testGitHub, testGitHub},
		{DetectorGitLabToken, "gl " + testGitLab + " x", testGitLab},
		{DetectorSlackToken, "slack " + testSlack, testSlack},
		{DetectorStripeKey, "stripe " + testStripe + ".", testStripe},
		{DetectorPrivateKey, "key: " + testPEM + " trailing", testPEM},
		{DetectorPrivateKey, `{"k":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhk`, `MIIEvQIBADANBgkqhk`},
		{DetectorAuthHeader, "Authorization: Bearer abc123.def456-ghi", "abc123.def456-ghi"},
		{DetectorAuthHeader, "authorization=basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="},
		{DetectorURLCredentials, "dsn postgres://admin:s3cr3tPass@db.internal:5432/app", "s3cr3tPass"},
		{DetectorSecretKV, "login password=hunter2 ok", "hunter2"},
		{DetectorSecretKV, `{"api_key": "abcd1234efgh", "n": 1}`, "abcd1234efgh"},
		{DetectorSecretKV, "GET /cb?state=1&access_token=xyz123abc&page=2", "xyz123abc"},
		{DetectorSecretKV, `msg="{\"password\":\"p@ss w0rd\"}"`, "p@ss w0rd"},
		{DetectorSecretKV, "DB_PASSWORD: 'quoted secret'", "quoted secret"},
	}
	e := newTestEngine(t, allDetectors())
	rules := e.Rules()
	for _, tc := range cases {
		t.Run(tc.detector+"/"+tc.secret, func(t *testing.T) {
			st := e.NewStats()
			out, act := e.Redact(tc.text, st)
			assert.Equal(t, ActionMask, act, "out: %s", out)
			assert.NotContains(t, out, tc.secret)
			assert.Contains(t, out, DefaultMask)
			var hit []string
			for i, n := range st.Hits {
				if n > 0 {
					hit = append(hit, rules[i].Name)
				}
			}
			assert.Contains(t, hit, tc.detector, "out: %s", out)
		})
	}
}

func TestHardNegativesUntouched(t *testing.T) {
	e := newTestEngine(t, Config{Presets: []string{PresetAll}})
	for _, text := range []string{
		"order 4111111111111112 shipped",         // fails Luhn
		"id 1234567890123456 done",               // no brand, fails Luhn
		"ts=2024-01-15T10:22:33.123Z level=info", // timestamp
		"trace 4bf92f3577b34da6a3ce929d0e0e4736", // trace id
		"uuid 123e4567-e89b-12d3-a456-426614174000",
		"version 1.24.3-rc.1 build 20240115",
		"took 1234 ms, 5678 bytes",
		"epoch 1700000000123456789",
		"icon@2x.png loaded",
		"@Override public void run()",
		"basic usage of the bearer token api",
		"max_tokens=512 token_count=7 has_password=true",
		"password_policy=strict secret_name=db-creds",
		"Authorization header missing",
		"ssn 000-12-3456 and 666-12-3456 and 900-12-3456",
		"phone 123-456-7890", // area code starts with 1
		"order ORD-2024-000123-77 sku 8841-2210",
		"10:00:00 12:30:45",
		"mac aa:bb:cc:dd:ee:ff",
		"pk_live_abcdefghijklmnop publishable",
		"glob-pattern and ghost_ token",
		"see AKIAshort and AIzaTooShort",
		"GB82 not an iban, DE00 neither",
		"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
		"user@localhost",
		"git commit abc1234 by dev",
		"¡héllo wörld! 你好 4111",
	} {
		out, act := e.Redact(text, nil)
		assert.Equal(t, text, out)
		assert.Equal(t, ActionNone, act, text)
	}
}

func TestActions(t *testing.T) {
	card := "4111 1111 1111 1111"
	key := []byte("0123456789abcdef0123456789abcdef")
	t.Run("partial", func(t *testing.T) {
		e := newTestEngine(t, Config{Presets: []string{PresetPCI}, DefaultAction: ActionPartial, KeepLast: 4})
		out, act := e.Redact("card "+card, nil)
		assert.Equal(t, "card ****1111", out)
		assert.Equal(t, ActionPartial, act)
	})
	t.Run("custom mask", func(t *testing.T) {
		e := newTestEngine(t, Config{Presets: []string{PresetPCI}, Mask: "[CARD]"})
		out, _ := e.Redact("card "+card, nil)
		assert.Equal(t, "card [CARD]", out)
	})
	t.Run("hash is stable and keyed", func(t *testing.T) {
		e := newTestEngine(t, Config{Presets: []string{PresetPII}, DefaultAction: ActionHash, HMACKey: key})
		a, act := e.Redact("from a@example.com", nil)
		b, _ := e.Redact("to a@example.com", nil)
		assert.Equal(t, ActionHash, act)
		assert.Equal(t, strings.TrimPrefix(a, "from "), strings.TrimPrefix(b, "to "))
		assert.Regexp(t, `^from hmac:[0-9a-f]{32}$`, a)
		other := newTestEngine(t, Config{Presets: []string{PresetPII}, DefaultAction: ActionHash, HMACKey: []byte("another key of thirty-two bytes!")})
		c, _ := other.Redact("from a@example.com", nil)
		assert.NotEqual(t, a, c)
	})
	t.Run("hash needs a key", func(t *testing.T) {
		_, err := New(Config{Presets: []string{PresetPII}, Actions: map[string]Action{DetectorEmail: ActionHash}})
		assert.ErrorIs(t, err, ErrNoHMACKey)
	})
	t.Run("severity", func(t *testing.T) {
		e := newTestEngine(t, Config{Presets: []string{PresetAll}, Actions: map[string]Action{DetectorUSSSN: ActionDrop, DetectorEmail: ActionDelete}})
		out, act := e.Redact("a@example.com 536-22-1234", nil)
		assert.Equal(t, ActionDrop, act)
		assert.Equal(t, "**** ****", out)
	})
}

func TestRedactValueBySecretKey(t *testing.T) {
	e := newTestEngine(t, Config{Presets: []string{PresetSecrets}})
	for key, want := range map[string]bool{
		"password": true, "db.password": true, "X-Api-Key": true, "client_secret": true,
		"http.request.header.authorization": true, "AWS_SECRET_ACCESS_KEY": true,
		"user.name": false, "token_count": false, "max_tokens": false, "keyword": false,
	} {
		out, act := e.RedactValue(key, "hunter2", nil)
		if want {
			assert.Equal(t, DefaultMask, out, key)
			assert.Equal(t, ActionMask, act, key)
		} else {
			assert.Equal(t, "hunter2", out, key)
		}
	}
	out, _ := e.RedactValue("password", "true", nil)
	assert.Equal(t, "true", out, "placeholders are not secrets")

	out, act, ok := e.RedactInt("order.total", 4111111111111111, nil)
	assert.True(t, ok)
	assert.Equal(t, ActionMask, act)
	assert.Equal(t, DefaultMask, out)
	_, _, ok = e.RedactInt("order.id", 4111111111111112, nil)
	assert.False(t, ok)
	_, _, ok = e.RedactInt("pin_token", 1234, nil)
	assert.True(t, ok)
}

func TestCustomRules(t *testing.T) {
	e := newTestEngine(t, Config{CustomRules: []CustomRule{
		{Name: "employee_id", Pattern: `EMP-[0-9]{6}`},
		{Name: "ticket_secret", Pattern: `ticket_secret\(([a-z0-9]+)\)`, Action: ActionPartial, Keywords: []string{"ticket_secret("}},
		{Name: "loose_card", Pattern: `[0-9]{16}`, Validator: "luhn"},
	}, KeepLast: 2})
	out, act := e.Redact("EMP-123456 opened ticket_secret(abcdef12) card 4111111111111111 id 4111111111111112", nil)
	assert.Equal(t, "**** opened ticket_secret(****12) card **** id 4111111111111112", out)
	assert.Equal(t, ActionPartial, act)

	_, err := New(Config{CustomRules: []CustomRule{{Name: "x", Pattern: "("}}})
	assert.ErrorContains(t, err, `custom rule "x": pattern`)
	_, err = New(Config{CustomRules: []CustomRule{{Name: "email", Pattern: "x"}}})
	assert.ErrorContains(t, err, "already used")
	_, err = New(Config{CustomRules: []CustomRule{{Name: "y", Pattern: "x", Validator: "nope"}}})
	assert.ErrorContains(t, err, "unknown validator")
}

// A validator that panics must not let the raw value through.
func TestFailClosed(t *testing.T) {
	e := newTestEngine(t, Config{
		Presets:     []string{PresetSecrets},
		CustomRules: []CustomRule{{Name: "boom", Pattern: `secret-[0-9]+`, Validator: "explode"}},
		Validators:  map[string]func(string) bool{"explode": func(string) bool { panic("validator bug") }},
	})
	st := e.NewStats()
	out, act := e.Redact("value secret-42 leaked?", st)
	assert.Equal(t, DefaultMask, out)
	assert.Equal(t, ActionMask, act)
	assert.Equal(t, uint64(1), st.Failures)
	out, _ = e.RedactValue("note", "secret-7", st)
	assert.Equal(t, DefaultMask, out)
	assert.Equal(t, uint64(2), st.Failures)
}

func TestConfigErrors(t *testing.T) {
	_, err := New(Config{Presets: []string{"nope"}})
	assert.ErrorContains(t, err, `unknown preset "nope"`)
	_, err = New(Config{Include: []string{"nope"}})
	assert.ErrorContains(t, err, `unknown detector "nope"`)
	_, err = New(Config{Actions: map[string]Action{"nope": ActionMask}})
	assert.ErrorContains(t, err, `actions: unknown detector "nope"`)
	a, err := ParseAction("partial")
	require.NoError(t, err)
	assert.Equal(t, ActionPartial, a)
	_, err = ParseAction("shred")
	assert.Error(t, err)
}

// Nothing matched means nothing allocated: this is the common case on the hot path.
func TestNoAllocationWhenNothingMatches(t *testing.T) {
	e := newTestEngine(t, allDetectors())
	st := e.NewStats()
	texts := []string{
		"GET /api/v1/orders/8841 200 12ms user-agent=curl/8.5.0 trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
		`{"level":"info","ts":"2024-01-15T10:22:33.123Z","msg":"order shipped","order_id":"ORD-2024-000123","items":3,"version":"1.24.3"}`,
		"basic usage: see the bearer docs; max_tokens=512 and password_policy=strict at 10:00:00",
		"¡héllo wörld! 你好 -- build 4111111111111112 @Override",
	}
	for _, text := range texts {
		allocs := testing.AllocsPerRun(200, func() {
			_, _ = e.Redact(text, st)
			_, _ = e.RedactValue("http.route", text, st)
		})
		assert.Zero(t, allocs, text)
	}
	eCustom := newTestEngine(t, Config{Presets: []string{PresetAll}, CustomRules: []CustomRule{{Name: "emp", Pattern: `EMP-[0-9]{6}`}}})
	allocs := testing.AllocsPerRun(200, func() { _, _ = eCustom.Redact(texts[1], st) })
	assert.Zero(t, allocs, "custom rule whose prefilter does not match")
	allocs = testing.AllocsPerRun(200, func() { _, _, _ = e.RedactInt("count", 1234567890123456, st) })
	assert.Zero(t, allocs, "integer that is not a card")
}

// TestRedactFindings: the findings name the rule and the exact bytes replaced, and the
// output is the one Redact gives (the C ABI library reports findings; the pipeline does not).
func TestRedactFindings(t *testing.T) {
	e := newTestEngine(t, Config{
		Presets:     []string{PresetAll},
		CustomRules: []CustomRule{{Name: "order", Pattern: `order-(\d{6})`}},
	})
	in := "mail ana.souza@example.com card 4111 1111 1111 1111 order-123456 done"
	out, act, fs := e.RedactFindings(in, nil)
	want, wantAct := e.Redact(in, nil)
	require.Equal(t, want, out)
	require.Equal(t, wantAct, act)
	require.Len(t, fs, 3)
	assert.Equal(t, Finding{Rule: DetectorEmail, Action: ActionMask, Start: 5, End: 26}, fs[0])
	assert.Equal(t, "ana.souza@example.com", in[fs[0].Start:fs[0].End])
	assert.Equal(t, DetectorCreditCard, fs[1].Rule)
	assert.Equal(t, "4111 1111 1111 1111", in[fs[1].Start:fs[1].End])
	assert.True(t, fs[2].Custom)
	// Custom offsets index the text after the built-in pass.
	mid, _ := newTestEngine(t, Config{Presets: []string{PresetAll}}).Redact(in, nil)
	assert.Equal(t, "123456", mid[fs[2].Start:fs[2].End])

	_, act, fs = e.RedactFindings("nothing here", nil)
	assert.Equal(t, ActionNone, act)
	assert.NotNil(t, fs)
	assert.Empty(t, fs)
}

// Every matcher is reached through exactly one row of the trigger table: that row says
// which bytes arm it and which detector its matches belong to.
func TestTriggerTableHasOneRowPerMatcher(t *testing.T) {
	rows := map[matcher]int{}
	for _, tr := range triggers {
		rows[tr.matcher]++
		assert.NotEmpty(t, tr.detectors, "matcher %d", tr.matcher)
		assert.NotEmpty(t, tr.bytes, "matcher %d", tr.matcher)
	}
	for m := range numMatchers {
		assert.Equal(t, 1, rows[m], "matcher %d", m)
	}
}

// A detector that is off arms no byte of its own: with only email on, the scan stops at
// '@' (and '%', which may hide one) and nowhere else.
func TestOnlyEnabledDetectorsArmBytes(t *testing.T) {
	e, err := New(Config{Include: []string{"email"}})
	require.NoError(t, err)
	var armed []byte
	for c := range 256 {
		if e.triggersAt[c] != 0 {
			armed = append(armed, byte(c))
		}
	}
	assert.Equal(t, "%@", string(armed))
}

// A configuration holds an Action by name: what ParseAction accepts, and the empty string
// for "no action of its own", which is also what MarshalText writes for it. "none" is not
// a name a configuration may use.
func TestActionText(t *testing.T) {
	for _, a := range []Action{ActionNone, ActionMask, ActionPartial, ActionHash, ActionDelete, ActionDrop} {
		text, err := a.MarshalText()
		require.NoError(t, err)
		var back Action
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, a, back, "%q", text)
	}
	var a Action
	assert.EqualError(t, a.UnmarshalText([]byte("none")), `unknown action "none" (want mask, partial, hash, delete or drop)`)
	_, err := Action(9).MarshalText()
	assert.EqualError(t, err, "unknown action 9")
}
