package tether_test

import (
	"strings"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// Misuse comes back as errors; nothing panics and nothing crosses into C unchecked.
func TestClosedHandlesReturnInvalidState(t *testing.T) {
	s, err := tether.NewSession(nil)
	must(t, err)
	must(t, s.Close())
	must(t, s.Close()) // idempotent
	_, err = s.Feed([]byte{1})
	wantErr(t, err, tether.ErrInvalidState)
	_, _, err = s.NextEvent()
	wantErr(t, err, tether.ErrInvalidState)
	wantErr(t, s.Send(tether.MsgOutputCommand, nil), tether.ErrInvalidState)
	wantErr(t, s.FinishInput(), tether.ErrInvalidState)
	if s.TakeOutput(0) != nil {
		t.Fatal("output from a closed session")
	}
	_, err = s.Stats()
	wantErr(t, err, tether.ErrInvalidState)

	inv, err := tether.NewInvocation(nil)
	must(t, err)
	must(t, inv.Close())
	wantErr(t, inv.Complete(nil), tether.ErrInvalidState)
	wantErr(t, inv.BeginOutput(1), tether.ErrInvalidState)
	_, err = inv.WriteOutput([]byte{1})
	wantErr(t, err, tether.ErrInvalidState)
	wantErr(t, inv.FinishOutput(), tether.ErrInvalidState)
	_, _, err = inv.Poll()
	wantErr(t, err, tether.ErrInvalidState)
	if inv.State() != tether.InvocationDone {
		t.Fatal("a closed invocation is not done")
	}

	d, err := tether.NewDecoder(nil)
	must(t, err)
	must(t, d.Close())
	_, _, err = d.Next()
	wantErr(t, err, tether.ErrInvalidState)

	p, err := tether.NewProber(nil)
	must(t, err)
	must(t, p.Close())
	wantErr(t, p.AddStream(1, "d", 0), tether.ErrInvalidState)
}

func TestBadOptionsAndArguments(t *testing.T) {
	_, err := tether.NewSession(&tether.SessionOptions{ProtocolVersion: 4})
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.NewSession(&tether.SessionOptions{MaxMessageSize: 1 << 20, InboundBudget: 1000})
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.NewSession(&tether.SessionOptions{OutboundHighWatermark: 10, OutboundLowWatermark: 20})
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.NewDecoder(&tether.DecoderOptions{MaxFramePayload: 1024, MaxBuffered: 100})
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.NewDecoder(&tether.DecoderOptions{MaxBuffered: -1})
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.NewProber(&tether.ProberOptions{Quantile: 2})
	wantErr(t, err, tether.ErrInvalidArgument)
	if err.(*tether.Error).Message == "" {
		t.Fatal("the prober's option error does not name the field")
	}

	s, err := tether.NewSession(nil)
	must(t, err)
	defer s.Close()
	wantErr(t, s.Send(tether.MsgPing, []byte{1}), tether.ErrInvalidArgument) // the session answers Pings itself
	wantErr(t, s.Send(0x0077, nil), tether.ErrInvalidArgument)
	n, err := s.Feed(nil) // nothing to feed is fine
	if n != 0 || err != nil {
		t.Fatalf("Feed(nil) = %d, %v", n, err)
	}
	must(t, s.FinishInput())
	_, err = s.Feed([]byte{0})
	wantErr(t, err, tether.ErrClosed)

	p, err := tether.NewProber(nil)
	must(t, err)
	defer p.Close()
	wantErr(t, p.AddStream(1, "", 0), tether.ErrInvalidArgument)
	wantErr(t, p.AddStream(1, "a\x00b", 0), tether.ErrInvalidArgument)
	wantErr(t, p.OnPongMessage(1, []byte{0xff, 0xff}, 0), tether.ErrBadMessage)

	_, err = tether.ContentTypeVersion("text/plain", tether.ProtocolMaxVersion)
	wantErr(t, err, tether.ErrInvalidArgument)
	_, err = tether.ContentTypeVersion("application/vnd.restate.invocation.v99", tether.ProtocolMaxVersion)
	wantErr(t, err, tether.ErrUnsupportedVersion)
	v, err := tether.ContentTypeVersion("application/vnd.restate.invocation.v7", tether.ProtocolMaxVersion)
	if err != nil || v != 7 {
		t.Fatalf("v7: %d %v", v, err)
	}
}

// Each misuse of a streamed output is refused with its status and a reason, and
// leaves the output as it was.
func TestStreamedOutputMisuse(t *testing.T) {
	inv, err := tether.NewInvocation(nil)
	must(t, err)
	defer inv.Close()
	wantErr(t, inv.BeginOutput(4), tether.ErrInvalidState) // before RUN
	runToRun(t, inv, nil)
	_, err = inv.WriteOutput([]byte("ab"))
	wantErr(t, err, tether.ErrInvalidState) // before begin
	wantErr(t, inv.FinishOutput(), tether.ErrInvalidState)
	must(t, inv.BeginOutput(4))
	wantErr(t, inv.BeginOutput(4), tether.ErrInvalidState) // two at once
	wantErr(t, inv.Complete([]byte("abcd")), tether.ErrInvalidState)
	wantErr(t, inv.FailTerminal(500, "x"), tether.ErrInvalidState)
	n, err := inv.WriteOutput([]byte("abcde")) // past the length
	wantErr(t, err, tether.ErrInvalidArgument)
	if n != 0 || !strings.Contains(err.Error(), "past the declared length") {
		t.Fatalf("wrote %d: %v", n, err)
	}
	if n, err = inv.WriteOutput(nil); n != 0 || err != nil {
		t.Fatalf("WriteOutput(nil) = %d, %v", n, err)
	}
	if n, err = inv.WriteOutput([]byte("ab")); n != 2 || err != nil {
		t.Fatalf("WriteOutput = %d, %v", n, err)
	}
	err = inv.FinishOutput() // short: the output stays open
	wantErr(t, err, tether.ErrInvalidState)
	if !strings.Contains(err.Error(), "2 value bytes short") {
		t.Fatalf("finish short: %v", err)
	}
	if n, err = inv.WriteOutput([]byte("cd")); n != 2 || err != nil {
		t.Fatalf("WriteOutput = %d, %v", n, err)
	}
	_, err = inv.WriteOutput([]byte("e"))
	wantErr(t, err, tether.ErrInvalidArgument)
	must(t, inv.FinishOutput())
	_, err = inv.WriteOutput([]byte("e")) // after finish
	wantErr(t, err, tether.ErrInvalidState)
	wantErr(t, inv.FinishOutput(), tether.ErrInvalidState)
	wantErr(t, inv.BeginOutput(1), tether.ErrInvalidState)
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	out, err := wire.ParseOutput(msgs[0].Payload)
	must(t, err)
	if len(msgs) != 2 || string(out.Value) != "abcd" || msgs[1].Type != wire.End {
		t.Fatalf("output %+v, types %x", out, types(msgs))
	}
}
