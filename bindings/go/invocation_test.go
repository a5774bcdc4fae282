package tether_test

import (
	"bytes"
	"strings"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// runToRun feeds a whole invocation and polls until the handler may run.
func runToRun(t *testing.T, inv *tether.Invocation, value []byte) {
	t.Helper()
	feedAll(t, inv, wire.Invocation(value))
	must(t, inv.FinishInput())
	ev, ok, err := inv.Poll()
	must(t, err)
	if !ok || ev.Kind != tether.InvocationRun || ev.State != tether.InvocationRunning {
		t.Fatalf("poll: %+v %v, want RUN", ev, ok)
	}
}

func pollToEnd(t *testing.T, inv *tether.Invocation) {
	t.Helper()
	for {
		ev, ok, err := inv.Poll()
		must(t, err)
		if ok && ev.Kind == tether.InvocationEnd {
			return
		}
		if !ok {
			t.Fatal("invocation idle before its end")
		}
	}
}

func TestInvocationEcho(t *testing.T) {
	inv, err := tether.NewInvocation(&tether.InvocationOptions{Session: negotiated()})
	must(t, err)
	defer inv.Close()
	_, err = inv.Input()
	wantErr(t, err, tether.ErrInvalidState)
	runToRun(t, inv, []byte("hello"))
	in, err := inv.Input()
	must(t, err)
	if string(in.Value) != "hello" || in.DebugID != "inv_test" || string(in.ID) != "id" || in.KnownEntries != 1 {
		t.Fatalf("input %+v", in)
	}
	must(t, inv.Complete(in.Value))
	wantErr(t, inv.Complete(in.Value), tether.ErrInvalidState)
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	if got := types(msgs); len(got) != 2 || got[0] != wire.OutputCommand || got[1] != wire.End {
		t.Fatalf("output %x", got)
	}
	out, err := wire.ParseOutput(msgs[0].Payload)
	must(t, err)
	if string(out.Value) != "hello" {
		t.Fatalf("output %+v", out)
	}
	if inv.State() != tether.InvocationDone {
		t.Fatalf("state %v", inv.State())
	}
}

func TestInvocationOversizeOutputIs413(t *testing.T) {
	inv, err := tether.NewInvocation(&tether.InvocationOptions{Session: negotiated(), MaxOutputSize: 1000})
	must(t, err)
	defer inv.Close()
	runToRun(t, inv, nil)
	wantErr(t, inv.Complete(make([]byte, 2000)), tether.ErrMessageTooLarge)
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	out, err := wire.ParseOutput(msgs[0].Payload)
	must(t, err)
	if out.FailureCode != 413 || !strings.Contains(out.FailureMessage, "1000") || msgs[len(msgs)-1].Type != wire.End {
		t.Fatalf("output %+v, types %x", out, types(msgs))
	}
}

func TestInvocationFailures(t *testing.T) {
	inv, err := tether.NewInvocation(nil)
	must(t, err)
	defer inv.Close()
	runToRun(t, inv, nil)
	wantErr(t, inv.FailTerminal(400, "bad \xff utf-8"), tether.ErrInvalidArgument)
	must(t, inv.FailRetryable(503, "try later"))
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	code, msg, err := wire.ParseError(msgs[0].Payload)
	must(t, err)
	if len(msgs) != 1 || code != 503 || msg != "try later" {
		t.Fatalf("output %x: %d %q", types(msgs), code, msg)
	}
}

func TestInvocationMalformedInput(t *testing.T) {
	inv, err := tether.NewInvocation(nil)
	must(t, err)
	defer inv.Close()
	bad := append(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv", 1)), wire.Frame(0x0055, 0, nil)...)
	_, err = inv.Feed(bad)
	wantErr(t, err, tether.ErrUnknownType)
	// The dispatch step reports the failure, then the end.
	_, _, err = inv.Poll()
	wantErr(t, err, tether.ErrUnknownType)
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	if code, _, _ := wire.ParseError(msgs[len(msgs)-1].Payload); code != 571 {
		t.Fatalf("output %x, code %d", types(msgs), code)
	}
	_, _, err = inv.Poll()
	wantErr(t, err, tether.ErrClosed)
}

func TestDecoderSplitsAndLimits(t *testing.T) {
	d, err := tether.NewDecoder(&tether.DecoderOptions{MaxFramePayload: 64})
	must(t, err)
	defer d.Close()
	in := append(wire.Frame(0x0400, 0, []byte("one")), wire.Frame(0x0401, 0x8000, bytes.Repeat([]byte{7}, 64))...)
	for i := range in {
		feedAll(t, d, in[i:i+1])
	}
	var got []tether.Frame
	for {
		f, ok, err := d.Next()
		must(t, err)
		if !ok {
			break
		}
		got = append(got, f)
	}
	if len(got) != 2 || string(got[0].Payload) != "one" || got[1].Flags != 0x8000 || len(got[1].Payload) != 64 {
		t.Fatalf("frames %+v", got)
	}
	h := tether.EncodeFrameHeader(0x0401, 0x8000, 64)
	if !bytes.Equal(h[:], in[11:19]) {
		t.Fatalf("header %x", h)
	}
	feedAll(t, d, in[:4])
	wantErr(t, d.Finish(), tether.ErrTruncated)

	d2, err := tether.NewDecoder(&tether.DecoderOptions{MaxFramePayload: 64})
	must(t, err)
	defer d2.Close()
	_, err = d2.Feed(wire.Frame(0x0400, 0, make([]byte, 65)))
	wantErr(t, err, tether.ErrFrameTooLarge)
	_, err = d2.Feed([]byte{0})
	wantErr(t, err, tether.ErrStreamFailed)
}
