package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// Without chunked/1 a streamed value is one frame, and a Ping read meanwhile is
// answered only after its last byte (Poll says WouldBlock while the Pong waits): the
// stream still delivers the rest of big's value as output drains, then the Pong, then
// End.
func TestBigWithAPingBehindItsFrame(t *testing.T) {
	const n = 1 << 20 // sixteen watermarks
	inv, err := tether.NewInvocation(&tether.InvocationOptions{Session: tether.SessionOptions{
		Extensions: tether.ExtPing, OutboundHighWatermark: 64 << 10, OutboundLowWatermark: 16 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	body := append(wire.Invocation([]byte(strconv.Itoa(n))), wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n1")))...)
	rec := httptest.NewRecorder()
	s := &stream{inv: inv, handler: big, w: rec, flusher: rec,
		wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	s.run(context.Background(), bytes.NewReader(body))

	msgs, rest := wire.Split(rec.Body.Bytes())
	if len(rest) != 0 || len(msgs) != 3 || msgs[0].Type != wire.OutputCommand || msgs[1].Type != wire.Pong || msgs[2].Type != wire.End {
		t.Fatalf("%d messages (%d bytes left over), want Output, Pong, End", len(msgs), len(rest))
	}
	out, err := wire.ParseOutput(msgs[0].Payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Value, alphabetOf(n)) {
		t.Fatalf("a value of %d bytes, not big's %d", len(out.Value), n)
	}
}
