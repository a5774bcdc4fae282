package tether_test

import (
	"bytes"
	"strings"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

func TestMiddlewarePassesFramesAnswersPingsAndReplacesOversize(t *testing.T) {
	m, err := tether.NewMiddleware(&tether.MiddlewareOptions{
		Session:       tether.SessionOptions{ProtocolVersion: 5, Extensions: tether.ExtAll},
		MaxOutputSize: 4096,
	})
	must(t, err)
	defer m.Close()
	in := wire.Invocation([]byte("hi"))
	start := len(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv_test", 1)))
	withPing := append(append([]byte{}, in[:start]...), wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("p")))...)
	withPing = append(withPing, in[start:]...)
	feedAll(t, m, withPing)
	sdk, err := m.TakeSDKInput()
	must(t, err)
	if !bytes.Equal(sdk, in) {
		t.Fatalf("the SDK got %x, want the plain frames %x", sdk, in)
	}
	if msgs := frames(t, m.TakeOutput(0)); len(msgs) != 1 || msgs[0].Type != wire.Pong {
		t.Fatalf("output %x, want the Pong", types(msgs))
	}
	// The SDK's output, split anywhere, passes unchanged...
	out := wire.Frame(wire.OutputCommand, 0, make([]byte, 100))
	for i := range out {
		n, err := m.SDKOutput(out[i : i+1])
		if err != nil || n != 1 {
			t.Fatalf("SDKOutput byte %d: %d %v", i, n, err)
		}
	}
	if got := m.TakeOutput(0); !bytes.Equal(got, out) {
		t.Fatalf("output %x", got)
	}
	// ...until one message is over the limit: 413 + End, later output dropped.
	_, err = m.SDKOutput(wire.Frame(0x0403, 0, make([]byte, 5000)))
	wantErr(t, err, tether.ErrMessageTooLarge)
	if !m.Replaced() {
		t.Fatal("Replaced() is false after the 413")
	}
	if _, err := m.SDKOutput(wire.Frame(wire.End, 0, nil)); err != nil {
		t.Fatalf("output after the replacement: %v", err)
	}
	msgs := frames(t, m.TakeOutput(0))
	o, err := wire.ParseOutput(msgs[0].Payload)
	must(t, err)
	if len(msgs) != 2 || o.FailureCode != 413 || !strings.Contains(o.FailureMessage, "4096") || msgs[1].Type != wire.End {
		t.Fatalf("output %x: %+v", types(msgs), o)
	}
	st, err := m.Stats()
	must(t, err)
	if st.PingsAnswered != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestMiddlewareMalformedInputAndMisuse(t *testing.T) {
	m, err := tether.NewMiddleware(nil) // nothing negotiated
	must(t, err)
	_, err = m.Feed(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("p"))))
	wantErr(t, err, tether.ErrProtocolViolation)
	sdk, err := m.TakeSDKInput()
	wantErr(t, err, tether.ErrProtocolViolation)
	if len(sdk) != 0 {
		t.Fatalf("the SDK got %d bytes of a failed stream", len(sdk))
	}
	msgs := frames(t, m.TakeOutput(0))
	if code, _, _ := wire.ParseError(msgs[0].Payload); code != 571 {
		t.Fatalf("output %x code %d", types(msgs), code)
	}
	_, err = m.SDKOutput(wire.Frame(wire.OutputCommand, 0, nil)) // after the 571: dropped
	must(t, err)
	must(t, m.Close())
	_, err = m.TakeSDKInput()
	wantErr(t, err, tether.ErrInvalidState)
	_, err = m.SDKOutput([]byte{1})
	wantErr(t, err, tether.ErrInvalidState)
	if m.Replaced() || m.TakeOutput(0) != nil {
		t.Fatal("a closed middleware reports state")
	}

	m2, err := tether.NewMiddleware(nil)
	must(t, err)
	defer m2.Close()
	_, err = m2.SDKOutput(wire.Frame(wire.OutputCommand, 0, make([]byte, 10))[:12])
	must(t, err)
	wantErr(t, m2.SDKOutputEnd(), tether.ErrTruncated)

	m3, err := tether.NewMiddleware(nil)
	must(t, err)
	defer m3.Close()
	_, err = m3.SDKOutput(wire.Frame(wire.Pong, 0, nil)) // the SDK never sends Pongs
	wantErr(t, err, tether.ErrInvalidArgument)
}
