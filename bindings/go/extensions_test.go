package tether_test

import (
	"strings"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

func TestExtensionsParseFormatNegotiate(t *testing.T) {
	for _, c := range []struct {
		offer string
		want  tether.Extensions
	}{
		{"", 0},
		{"ping/1, chunked/1", tether.ExtAll},
		{"PING/1", tether.ExtPing},
		{"chunked/1,\tping/2, future/9", tether.ExtChunked},
	} {
		got, err := tether.ParseExtensions(c.offer, tether.ExtAll)
		if err != nil || got != c.want {
			t.Errorf("ParseExtensions(%q) = %v, %v; want %v", c.offer, got, err, c.want)
		}
	}
	if got, _ := tether.ParseExtensions("ping/1, chunked/1", tether.ExtPing); got != tether.ExtPing {
		t.Errorf("supported set not applied: %v", got)
	}
	_, err := tether.ParseExtensions("ping/1, bad\x01token", tether.ExtAll)
	wantErr(t, err, tether.ErrInvalidArgument)
	if !strings.Contains(err.Error(), tether.ExtensionsHeader) {
		t.Errorf("error does not name the header: %v", err)
	}
	_, err = tether.ParseExtensions(strings.Repeat("a", tether.ExtensionsMaxLength+1), tether.ExtAll)
	wantErr(t, err, tether.ErrInvalidArgument)

	if s, err := tether.FormatExtensions(tether.ExtAll); err != nil || s != "ping/1, chunked/1" {
		t.Errorf("FormatExtensions(all) = %q, %v", s, err)
	}
	_, err = tether.FormatExtensions(0x80)
	wantErr(t, err, tether.ErrInvalidArgument)

	accepted, answer, err := tether.Negotiate("chunked/1")
	if err != nil || accepted != tether.ExtChunked || answer != "chunked/1" {
		t.Errorf("Negotiate = %v %q %v", accepted, answer, err)
	}
	if _, answer, _ := tether.Negotiate(""); answer != "" {
		t.Errorf("no offer answered %q", answer)
	}
}

// Without ping/1 a Ping fails the stream with a 571 that names the negotiation.
func TestPingWithoutNegotiationIs571(t *testing.T) {
	s, err := tether.NewSession(&tether.SessionOptions{ProtocolVersion: 8})
	must(t, err)
	defer s.Close()
	_, err = s.Feed(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n"))))
	wantErr(t, err, tether.ErrProtocolViolation)
	msgs := frames(t, s.TakeOutput(0))
	code, msg, err := wire.ParseError(msgs[0].Payload)
	must(t, err)
	if code != 571 || !strings.Contains(msg, "ping/1") {
		t.Fatalf("ErrorMessage %d %q", code, msg)
	}
}
