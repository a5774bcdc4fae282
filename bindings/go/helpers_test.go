package tether_test

import (
	"errors"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// negotiated is a stream with every extension active (Ping/Pong, chunking).
func negotiated() tether.SessionOptions {
	return tether.SessionOptions{ProtocolVersion: 8, Extensions: tether.ExtAll}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, err error, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

// feedAll feeds every byte (the test streams fit the budget).
func feedAll(t testing.TB, s interface{ Feed([]byte) (int, error) }, b []byte) {
	t.Helper()
	n, err := s.Feed(b)
	must(t, err)
	if n != len(b) {
		t.Fatalf("fed %d of %d bytes", n, len(b))
	}
}

// frames splits output into whole frames and fails on a partial one.
func frames(t testing.TB, out []byte) []wire.Message {
	t.Helper()
	msgs, rest := wire.Split(out)
	if len(rest) != 0 {
		t.Fatalf("%d bytes of a partial frame at the end of the output", len(rest))
	}
	return msgs
}

func types(msgs []wire.Message) []uint16 {
	var out []uint16
	for _, m := range msgs {
		out = append(out, m.Type)
	}
	return out
}
