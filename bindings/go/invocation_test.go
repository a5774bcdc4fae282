package tether_test

import (
	"bytes"
	"errors"
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

func alphabet(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte('a' + i%26)
	}
	return out
}

// completed is the output Complete writes for value, for comparison.
func completed(t *testing.T, o tether.InvocationOptions, value []byte) []byte {
	t.Helper()
	inv, err := tether.NewInvocation(&o)
	must(t, err)
	defer inv.Close()
	runToRun(t, inv, []byte("hi"))
	must(t, inv.Complete(value))
	pollToEnd(t, inv)
	return inv.TakeOutput(0)
}

// streamOutput writes value in pieces of piece bytes, taking output and waiting for
// InvocationWritable whenever a write is refused; it returns the whole output and
// how many writes were refused.
func streamOutput(t *testing.T, inv *tether.Invocation, value []byte, piece int) (out []byte, refused int) {
	t.Helper()
	runToRun(t, inv, []byte("hi"))
	must(t, inv.BeginOutput(uint64(len(value))))
	for at := 0; at < len(value); {
		n, err := inv.WriteOutput(value[at:min(at+piece, len(value))])
		at += n
		if errors.Is(err, tether.ErrWouldBlock) {
			if n != 0 {
				t.Fatalf("a refused write queued %d bytes", n)
			}
			refused++
			out = inv.AppendOutput(out, 0)
			ev, ok, err := inv.Poll()
			must(t, err)
			if !ok || ev.Kind != tether.InvocationWritable {
				t.Fatalf("after taking output: %+v %v, want WRITABLE", ev, ok)
			}
			continue
		}
		must(t, err)
	}
	must(t, inv.FinishOutput())
	pollToEnd(t, inv)
	return inv.AppendOutput(out, 0), refused
}

// The pieces make the same bytes as Complete of the whole value: one frame without
// chunked/1, CONTINUED chunks at the frame bound with it.
func TestInvocationStreamedOutputMatchesComplete(t *testing.T) {
	value := alphabet(1000)
	for _, o := range []tether.InvocationOptions{
		{Session: tether.SessionOptions{MaxFramePayload: 64}},
		{Session: tether.SessionOptions{Extensions: tether.ExtAll, MaxFramePayload: 64}},
	} {
		inv, err := tether.NewInvocation(&o)
		must(t, err)
		out, _ := streamOutput(t, inv, value, 77)
		inv.Close()
		if want := completed(t, o, value); !bytes.Equal(out, want) {
			t.Fatalf("extensions %v: streamed output differs from Complete's (%d vs %d bytes)", o.Session.Extensions, len(out), len(want))
		}
		msgs := frames(t, out)
		if chunked := len(msgs) > 2; chunked != (o.Session.Extensions != 0) {
			t.Fatalf("extensions %v: %d frames", o.Session.Extensions, len(msgs))
		}
	}
}

func TestInvocationStreamedOutputStaysUnderTheHighWatermark(t *testing.T) {
	const high = 256
	value := alphabet(5000) // twenty times the watermark, one message
	o := tether.InvocationOptions{Session: tether.SessionOptions{
		Extensions: tether.ExtChunked, MaxFramePayload: 64, OutboundHighWatermark: high, OutboundLowWatermark: high / 4}}
	inv, err := tether.NewInvocation(&o)
	must(t, err)
	defer inv.Close()
	out, refused := streamOutput(t, inv, value, 1000)
	if refused == 0 {
		t.Fatal("no write met the watermark")
	}
	if !bytes.Equal(out, completed(t, o, value)) {
		t.Fatal("streamed output differs from Complete's")
	}
	st, err := inv.Stats()
	must(t, err)
	// The watermark, the field headers written past it at begin, and the headers of
	// the chunks begun by the last write (a write takes at most the room under it).
	if limit := uint64(high + 8 + 22 + 5*8); st.PeakOutboundBuffered > limit {
		t.Fatalf("peak queued output %d bytes, over %d", st.PeakOutboundBuffered, limit)
	}
}

func TestInvocationStreamedOutputOverTheLimitIs413(t *testing.T) {
	inv, err := tether.NewInvocation(&tether.InvocationOptions{MaxOutputSize: 100})
	must(t, err)
	defer inv.Close()
	runToRun(t, inv, nil)
	wantErr(t, inv.BeginOutput(101), tether.ErrMessageTooLarge)
	_, err = inv.WriteOutput([]byte("x"))
	wantErr(t, err, tether.ErrInvalidState) // nothing is open: the Failure went instead
	pollToEnd(t, inv)
	msgs := frames(t, inv.TakeOutput(0))
	out, err := wire.ParseOutput(msgs[0].Payload)
	must(t, err)
	if len(msgs) != 2 || out.FailureCode != 413 || !strings.Contains(out.FailureMessage, "100") {
		t.Fatalf("output %+v, types %x", out, types(msgs))
	}
}

// A stream that fails under an open output (a malformed frame fed meanwhile) refuses
// the rest of it with ErrClosed: nothing may go inside the frame already begun.
func TestInvocationStreamedOutputAfterTheStreamFailed(t *testing.T) {
	inv, err := tether.NewInvocation(nil)
	must(t, err)
	defer inv.Close()
	feedAll(t, inv, wire.Invocation(nil)) // the input stays open for the bad frame
	if ev, ok, err := inv.Poll(); err != nil || !ok || ev.Kind != tether.InvocationRun {
		t.Fatalf("poll: %+v %v %v, want RUN", ev, ok, err)
	}
	must(t, inv.BeginOutput(10))
	n, err := inv.WriteOutput(make([]byte, 3))
	must(t, err)
	if n != 3 {
		t.Fatalf("wrote %d of 3", n)
	}
	bad := tether.EncodeFrameHeader(wire.Start, 0, 0xFFFFFFFF) // over every limit
	_, err = inv.Feed(bad[:])
	wantErr(t, err, tether.ErrFrameTooLarge)
	_, _, err = inv.Poll()
	wantErr(t, err, tether.ErrFrameTooLarge)
	n, err = inv.WriteOutput(make([]byte, 7))
	wantErr(t, err, tether.ErrClosed)
	if n != 0 {
		t.Fatalf("a refused write queued %d bytes", n)
	}
	wantErr(t, inv.FinishOutput(), tether.ErrClosed)
	if inv.State() != tether.InvocationDone {
		t.Fatalf("state %v", inv.State())
	}
}
