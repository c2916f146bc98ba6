package sampling

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTemplate(t *testing.T) {
	cases := []struct{ in, want string }{
		{`user 42 failed to read "a.txt"`, `user <*> failed to read <q>`},
		{`connection to 10.0.0.12:5432 refused after 3 retries`, `connection to <*> refused after <*> retries`},
		{`request 7f3c9a1e-2b4d-4c6e-9f10-123456789abc took 250ms`, `request <*> took <*>`},
		{`order_id=981 status=failed`, `order_id=<*> status=failed`},
		{`can't open 'config.yaml': permission denied`, `can't open <q>: permission denied`},
		{"query `SELECT 1` timed out", "query <q> timed out"},
		{`GET /api/v1/users/42 returned 500.`, `GET <*> returned <*>.`},
		{`escaped "a \" b" quote`, `escaped <q> quote`},
		{`unterminated "quote`, `unterminated <q>`},
		{`no variable parts here`, `no variable parts here`},
		{`at 2024-05-01T10:00:00Z: disk 0x7ffd full`, `at <*>: disk <*> full`},
		{``, ``},
		{`数据库 3 错误`, `数据库 <*> 错误`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Template(tc.in))
		})
	}
}

func TestFingerprintIgnoresVariableParts(t *testing.T) {
	same := [][2]string{
		{`user 42 failed to read "a.txt"`, `user 7 failed to read "/etc/passwd"`},
		{`payment 8c1f2 declined: card 4111-1111`, `payment 99ab0 declined: card 5500-0000`},
		{`timeout after 30s on 10.0.0.1:80`, `timeout after 5s on 192.168.1.20:8443`},
		{`failed with 'x'`, `failed with 'a much longer quoted value'`},
	}
	for _, p := range same {
		assert.Equal(t, Fingerprint(p[0]), Fingerprint(p[1]), "%q vs %q", p[0], p[1])
	}
	different := [][2]string{
		{`user 42 failed to read`, `user 42 failed to write`},
		{`disk full`, `disk  full`},
		{`a 1`, `a "1"`},
		{`ab`, `a b`},
	}
	for _, p := range different {
		assert.NotEqual(t, Fingerprint(p[0]), Fingerprint(p[1]), "%q vs %q", p[0], p[1])
	}
}

func TestFingerprintDoesNotAllocate(t *testing.T) {
	msg := `user 42 failed to read "a.txt" from 10.0.0.1:5432 after 3 retries`
	allocs := testing.AllocsPerRun(100, func() { _ = Fingerprint(msg) })
	assert.Zero(t, allocs)
}

// FuzzFingerprint: never panics, and changing digits never changes the fingerprint
// (digits only ever appear inside variable words or quotes).
func FuzzFingerprint(f *testing.F) {
	for _, seed := range []string{
		`user 42 failed to read "a.txt"`, `can't open 'x'`, "a `b` c", `"\`, `'`, `9`, ``,
		`GET /api/v1/users/42 returned 500.`, "\xff\xfe 12", `x:1: y.`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		fp := Fingerprint(msg)
		_ = Template(msg)
		shifted := []byte(msg)
		for i, c := range shifted {
			if c >= '0' && c <= '9' {
				shifted[i] = '0' + (c-'0'+1)%10
			}
		}
		if got := Fingerprint(string(shifted)); got != fp {
			t.Fatalf("digits changed the fingerprint: %q vs %q", msg, shifted)
		}
	})
}
