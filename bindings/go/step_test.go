package tether_test

import (
	"bytes"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// Step does what Feed, NextEventInto and AppendOutput do, in one call.
func TestStepFeedsDispatchesAndTakesOutput(t *testing.T) {
	o := negotiated()
	s, err := tether.NewSession(&o)
	must(t, err)
	defer s.Close()
	turn, err := s.Step(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv", 1)), nil, nil, 0)
	must(t, err)
	if !turn.HasEvent || turn.Event.Type != tether.MsgStart || len(turn.Output) != 0 {
		t.Fatalf("start turn %+v", turn)
	}
	turn, err = s.Step(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n1"))), turn.Event.Data, nil, 0)
	must(t, err)
	if !turn.HasEvent || turn.Event.Kind != tether.EventPing || !turn.Event.Answered || string(turn.Event.Data) != "n1" {
		t.Fatalf("ping turn %+v", turn)
	}
	msgs := frames(t, turn.Output)
	if len(msgs) != 1 || msgs[0].Type != wire.Pong {
		t.Fatalf("ping turn output %x, want the Pong", turn.Output)
	}
	// A message larger than the buffer (copied after the call) and more output than
	// the limit (the rest stays queued).
	big := bytes.Repeat([]byte("b"), 5000)
	must(t, s.Send(tether.MsgOutputCommand, bytes.Repeat([]byte("o"), 3000)))
	turn, err = s.Step(wire.Frame(wire.InputCommand, 0, wire.InputMessage(big)), make([]byte, 16), nil, 100)
	must(t, err)
	if !turn.HasEvent || turn.Event.Type != tether.MsgInputCommand || !bytes.Contains(turn.Event.Data, big) {
		t.Fatalf("message turn: %d bytes of type %x", len(turn.Event.Data), turn.Event.Type)
	}
	if len(turn.Output) != 100 {
		t.Fatalf("took %d bytes of output, limit 100", len(turn.Output))
	}
	rest := s.TakeOutput(0)
	if msgs := frames(t, append(turn.Output, rest...)); len(msgs) != 1 || len(msgs[0].Payload) != 3000 {
		t.Fatalf("output split by the limit does not rejoin: %d messages", len(msgs))
	}
	// Nothing to feed, nothing ready.
	turn, err = s.Step(nil, nil, nil, 0)
	must(t, err)
	if turn.HasEvent || turn.Consumed != 0 || len(turn.Output) != 0 {
		t.Fatalf("idle turn %+v", turn)
	}
}

// Malformed input: the stream's error, with its ErrorMessage 571 already in Output.
func TestStepMalformedInputReturnsErrorAndTheErrorMessage(t *testing.T) {
	s, err := tether.NewSession(&tether.SessionOptions{}) // no extension: a Ping is unexpected
	must(t, err)
	defer s.Close()
	_, err = s.Step(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv", 1)), nil, nil, 0)
	must(t, err)
	turn, err := s.Step(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n1"))), nil, nil, 0)
	if err == nil {
		t.Fatalf("a Ping on a stream without ping/1 was accepted: %+v", turn)
	}
	msgs := frames(t, turn.Output)
	if len(msgs) == 0 || msgs[0].Type != wire.Error {
		t.Fatalf("output %x, want an ErrorMessage", turn.Output)
	}
	code, _, perr := wire.ParseError(msgs[0].Payload)
	must(t, perr)
	if code != 571 {
		t.Fatalf("ErrorMessage code %d, want 571", code)
	}
}

func TestStepOnClosedSessionIsAnError(t *testing.T) {
	s, err := tether.NewSession(nil)
	must(t, err)
	must(t, s.Close())
	out := []byte("kept")
	turn, err := s.Step([]byte{1}, nil, out, 0)
	wantErr(t, err, tether.ErrInvalidState)
	if string(turn.Output) != "kept" {
		t.Fatalf("output %q after a refused Step", turn.Output)
	}
}
