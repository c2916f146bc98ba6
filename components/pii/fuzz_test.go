package pii

import (
	"strings"
	"testing"
)

var fuzzSecrets = []string{
	"4111 1111 1111 1111", "5500000000000004", "DE89370400440532013000", "ana.m@example.com",
	"+1 415 555 2671", "536-22-1234", testJWT, testAWS, testGCP, testGitHub, testGitLab,
	testSlack, testStripe, "password=" + "Tr0ub4dor&3",
}

func FuzzRedact(f *testing.F) {
	for i, l := range loadCorpus(f) {
		if i%7 == 0 {
			f.Add(l.Text)
		}
	}
	for _, s := range []string{"", "@", "=", ":", "::", "+", "(", "-----BEGIN ", "password=\"", `\"token\":\"`, "Bearer ", "https://a:b@", "\xff\xfe", "AIza", "eyJ.eyJ."} {
		f.Add(s)
	}
	e, err := New(allDetectors())
	if err != nil {
		f.Fatal(err)
	}
	panicky, err := New(Config{
		Presets:     []string{PresetAll},
		CustomRules: []CustomRule{{Name: "digits", Pattern: `[0-9]{3,}`, Validator: "sevens"}},
		Validators: map[string]func(string) bool{"sevens": func(s string) bool {
			if strings.Contains(s, "7") {
				panic("validator bug")
			}
			return false
		}},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		// The unprotected pass must not panic on any input.
		_, _ = e.redact(text, nil, nil)

		// A secret on its own line stays hidden whatever surrounds it.
		for _, sec := range fuzzSecrets {
			if strings.Contains(text, sec) {
				continue
			}
			in := text + "\n" + sec + "\n" + text
			if out, _ := e.Redact(in, nil); strings.Contains(out, sec) {
				t.Fatalf("secret %q leaked:\n in: %q\nout: %q", sec, in, out)
			}
		}

		// Fail closed: when redaction fails the value is the mask, never the input.
		st := panicky.NewStats()
		out, _ := panicky.Redact(text, st)
		if st.Failures > 0 && out != panicky.Mask() {
			t.Fatalf("failure did not mask the value: %q", out)
		}
	})
}
