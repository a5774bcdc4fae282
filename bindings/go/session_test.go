package tether_test

import (
	"bytes"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

func TestSessionAnswersPingFromDispatchAndEchoes(t *testing.T) {
	o := negotiated()
	s, err := tether.NewSession(&o)
	must(t, err)
	defer s.Close()
	in := wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv_1", 1))
	in = append(in, wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n1")))...)
	in = append(in, wire.Frame(wire.InputCommand, 0, wire.InputMessage([]byte("hello")))...)
	// Split at every byte: the session reassembles frames from any pieces.
	for i := range in {
		feedAll(t, s, in[i:i+1])
	}
	if out := s.TakeOutput(0); len(out) != 0 {
		t.Fatalf("feed alone produced output %x: the Pong must come from the dispatch step", out)
	}
	var kinds []tether.EventKind
	for {
		ev, ok, err := s.NextEvent()
		must(t, err)
		if !ok {
			break
		}
		kinds = append(kinds, ev.Kind)
		switch {
		case ev.Kind == tether.EventPing:
			if !bytes.Equal(ev.Data, []byte("n1")) || !ev.Answered {
				t.Fatalf("ping event %+v", ev)
			}
		case ev.Type == tether.MsgInputCommand:
			must(t, s.Send(tether.MsgOutputCommand, ev.Data))
		}
	}
	if len(kinds) != 3 || kinds[1] != tether.EventPing {
		t.Fatalf("events %v, want Start, Ping, Input", kinds)
	}
	must(t, s.Send(tether.MsgEnd, nil))
	msgs := frames(t, s.TakeOutput(0))
	if got := types(msgs); len(got) != 3 || got[0] != wire.Pong || got[1] != wire.OutputCommand || got[2] != wire.End {
		t.Fatalf("output types %x, want Pong, Output, End", got)
	}
	nonce, err := wire.ParseNonce(msgs[0].Payload)
	must(t, err)
	if string(nonce) != "n1" {
		t.Fatalf("Pong nonce %q", nonce)
	}
	st, err := s.Stats()
	must(t, err)
	if st.PingsAnswered != 1 || st.MessagesOut != 3 || st.BytesIn != uint64(len(in)) {
		t.Fatalf("stats %+v", st)
	}
	wantErr(t, s.Send(tether.MsgOutputCommand, nil), tether.ErrClosed)
}

func TestSessionChunksLargeOutputAndReassemblesInput(t *testing.T) {
	o := negotiated()
	o.MaxFramePayload = 1024
	s, err := tether.NewSession(&o)
	must(t, err)
	defer s.Close()
	payload := bytes.Repeat([]byte("abcdefgh"), 1000) // 8000 bytes: 8 chunks
	must(t, s.Send(tether.MsgOutputCommand, payload))
	msgs := frames(t, s.TakeOutput(0))
	if len(msgs) != 8 || msgs[0].Flags&wire.Continued == 0 || msgs[7].Flags&wire.Continued != 0 {
		t.Fatalf("%d chunks, flags first %x last %x", len(msgs), msgs[0].Flags, msgs[len(msgs)-1].Flags)
	}
	// Fed back as input (a runtime may chunk the same way): one message comes out.
	var in []byte
	in = append(in, wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv", 1))...)
	for _, m := range msgs {
		in = append(in, wire.Frame(wire.InputCommand, m.Flags, m.Payload)...)
	}
	feedAll(t, s, in)
	_, _, err = s.NextEvent()
	must(t, err)
	ev, ok, err := s.NextEvent()
	must(t, err)
	if !ok || ev.Type != tether.MsgInputCommand || !bytes.Equal(ev.Data, payload) || ev.Flags&tether.FlagContinued != 0 {
		t.Fatalf("reassembled event: ok %v type %x %d bytes flags %x", ok, ev.Type, len(ev.Data), ev.Flags)
	}
}

func TestSessionBackpressure(t *testing.T) {
	o := negotiated()
	o.MaxMessageSize = 64 << 10
	o.MaxFramePayload = 16 << 10
	o.InboundBudget = 64<<10 + 16<<10 + 8
	o.OutboundHighWatermark = 32 << 10
	s, err := tether.NewSession(&o)
	must(t, err)
	defer s.Close()
	// Inbound: more than the budget is taken in part, with ErrWouldBlock.
	in := wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv", 1))
	for i := 0; i < 10; i++ {
		in = append(in, wire.Frame(0x0402, 0, make([]byte, 16<<10))...)
	}
	n, err := s.Feed(in)
	wantErr(t, err, tether.ErrWouldBlock)
	if n == 0 || n >= len(in) {
		t.Fatalf("took %d of %d bytes", n, len(in))
	}
	for in = in[n:]; len(in) > 0; in = in[n:] {
		for {
			_, ok, err := s.NextEvent()
			must(t, err)
			if !ok {
				break
			}
		}
		n, err = s.Feed(in)
		if err != nil {
			wantErr(t, err, tether.ErrWouldBlock)
		}
	}
	// Outbound: sends stop at the high watermark, WRITABLE comes once it drained.
	for err == nil {
		err = s.Send(tether.MsgOutputCommand, make([]byte, 8<<10))
	}
	wantErr(t, err, tether.ErrWouldBlock)
	s.TakeOutput(0)
	ev, ok, err := s.NextEvent()
	must(t, err)
	if !ok || ev.Kind != tether.EventWritable {
		t.Fatalf("after draining: %+v %v, want EventWritable", ev, ok)
	}
	must(t, s.Send(tether.MsgOutputCommand, make([]byte, 8<<10)))
}

func TestSessionMalformedInputFailsStreamWith571(t *testing.T) {
	o := negotiated()
	s, err := tether.NewSession(&o)
	must(t, err)
	defer s.Close()
	_, err = s.Feed(wire.Frame(0x0077, 0, nil)) // an unknown control type
	wantErr(t, err, tether.ErrUnknownType)
	if te := err.(*tether.Error); !te.Fatal() || te.Message == "" {
		t.Fatalf("error %#v: fatal with the handle's message expected", te)
	}
	_, err = s.Feed([]byte{0})
	wantErr(t, err, tether.ErrStreamFailed)
	msgs := frames(t, s.TakeOutput(0))
	if len(msgs) != 1 || msgs[0].Type != wire.Error {
		t.Fatalf("output %x, want one ErrorMessage", types(msgs))
	}
	code, msg, err := wire.ParseError(msgs[0].Payload)
	must(t, err)
	if code != 571 || msg == "" {
		t.Fatalf("ErrorMessage %d %q", code, msg)
	}
}

func TestTakeOutputLimit(t *testing.T) {
	s, err := tether.NewSession(nil)
	must(t, err)
	defer s.Close()
	must(t, s.Send(tether.MsgOutputCommand, make([]byte, 1000)))
	a, b := s.TakeOutput(300), s.TakeOutput(0)
	if len(a) != 300 || len(b) != 708 || s.TakeOutput(0) != nil {
		t.Fatalf("pieces %d + %d", len(a), len(b))
	}
}
