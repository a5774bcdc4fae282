package main

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// alphabetOf is big's value of n bytes, written out whole.
func alphabetOf(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte('a' + i%26)
	}
	return out
}

// running is an invocation whose handler may run, with input value.
func running(t *testing.T, o *tether.InvocationOptions, value []byte) *tether.Invocation {
	t.Helper()
	inv, err := tether.NewInvocation(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inv.Close() })
	if _, err := inv.Feed(wire.Invocation(value)); err != nil {
		t.Fatal(err)
	}
	if ev, ok, err := inv.Poll(); err != nil || !ok || ev.Kind != tether.InvocationRun {
		t.Fatalf("poll: %+v %v %v, want RUN", ev, ok, err)
	}
	return inv
}

// finish polls to the end and returns the output not yet taken.
func finish(t *testing.T, inv *tether.Invocation, out []byte) []byte {
	t.Helper()
	for {
		ev, ok, err := inv.Poll()
		if err != nil || !ok {
			t.Fatalf("poll: %v %v before the end", ok, err)
		}
		if ev.Kind == tether.InvocationEnd {
			return inv.AppendOutput(out, 0)
		}
	}
}

// big's reply resumes where the watermark stopped it, and its pieces make the bytes
// Complete writes for the whole value, while the session queues one watermark at most.
func TestBigStreamsItsValueUnderTheWatermark(t *testing.T) {
	const high = 64 << 10
	const n = 3*bigPiece + 7 // pieces that end inside an alphabet and a last short one
	o := &tether.InvocationOptions{Session: tether.SessionOptions{
		Extensions: tether.ExtChunked, OutboundHighWatermark: high, OutboundLowWatermark: high / 4}}
	inv := running(t, o, []byte(strconv.Itoa(n)))
	r := big([]byte(strconv.Itoa(n)))
	var out []byte
	refused := 0
	for err := r.deliver(inv); err != nil; err = r.deliver(inv) {
		if !errors.Is(err, tether.ErrWouldBlock) {
			t.Fatal(err)
		}
		refused++
		out = inv.AppendOutput(out, 0)
	}
	out = finish(t, inv, out)
	if refused == 0 {
		t.Fatal("the value never met the watermark")
	}
	whole := running(t, o, nil)
	if err := whole.Complete(alphabetOf(n)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, finish(t, whole, nil)) {
		t.Fatal("big's streamed output differs from Complete of the same value")
	}
	st, err := inv.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.PeakOutboundBuffered > 2*high {
		t.Fatalf("peak queued output %d bytes for a watermark of %d", st.PeakOutboundBuffered, high)
	}
}

func TestBigRefusesWhatItDoesNotTake(t *testing.T) {
	for _, in := range []string{"x", "-1", strconv.Itoa(maxBig + 1)} {
		r, ok := big([]byte(in)).(terminal)
		if !ok || r.code != 400 {
			t.Fatalf("big(%q) = %+v, want a terminal 400", in, r)
		}
	}
}
