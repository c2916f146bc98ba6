package traceparent

import "testing"

func TestParse(t *testing.T) {
	c, err := Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if err != nil {
		t.Fatal(err)
	}
	want := Context{TraceIDHigh: 0x4bf92f3577b34da6, TraceIDLow: 0xa3ce929d0e0e4736, SpanID: 0x00f067aa0ba902b7, Sampled: true}
	if c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

func TestParseRejects(t *testing.T) {
	for _, h := range []string{
		"",
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
		"00-zzf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
	} {
		if _, err := Parse(h); err == nil {
			t.Errorf("Parse(%q): want an error", h)
		}
	}
}
