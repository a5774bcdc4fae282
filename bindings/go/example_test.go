package tether_test

import (
	"fmt"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// A session on a stream that negotiated ping/1 and chunked/1: the transport feeds
// what it reads, the dispatch loop takes events (the Pong is queued right there) and
// sends, and the transport writes what the session queued.
func ExampleSession() {
	s, err := tether.NewSession(&tether.SessionOptions{Extensions: tether.ExtAll})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	// What a runtime sends: Start, a Ping, then the Input.
	in := wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv_1", 1))
	in = append(in, wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("nonce-1")))...)
	in = append(in, wire.Frame(wire.InputCommand, 0, wire.InputMessage([]byte("hello")))...)
	if _, err := s.Feed(in); err != nil { // ErrWouldBlock: dispatch, then feed the rest
		panic(err)
	}

	for {
		ev, ok, err := s.NextEvent()
		if err != nil {
			panic(err)
		}
		if !ok {
			break
		}
		switch {
		case ev.Kind == tether.EventPing:
			fmt.Printf("ping %q answered: %v\n", ev.Data, ev.Answered)
		case ev.Type == tether.MsgInputCommand:
			// A real SDK decodes the InputCommand; echoing its body is enough here.
			if err := s.Send(tether.MsgOutputCommand, ev.Data); err != nil {
				panic(err)
			}
		}
	}
	if err := s.Send(tether.MsgEnd, nil); err != nil {
		panic(err)
	}

	msgs, _ := wire.Split(s.TakeOutput(0)) // what the transport writes
	for _, m := range msgs {
		fmt.Printf("out: type 0x%04x, %d bytes\n", m.Type, len(m.Payload))
	}
	// Output:
	// ping "nonce-1" answered: true
	// out: type 0x0009, 9 bytes
	// out: type 0x0401, 9 bytes
	// out: type 0x0003, 0 bytes
}
