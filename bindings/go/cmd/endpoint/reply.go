package main

import "tether.dev/tether"

// reply is a handler's result as its stream delivers it, on the dispatch goroutine.
// deliver returning ErrWouldBlock means "deliver me again once output was taken": a
// reply keeps its own progress, so a streamed one resumes where the watermark
// stopped it.
type reply interface {
	deliver(inv *tether.Invocation) error
}

// value is a whole result: OutputCommand{value} + End.
type value []byte

func (v value) deliver(inv *tether.Invocation) error { return inv.Complete(v) }

// terminal fails the invocation for good: OutputCommand{failure} + End.
type terminal struct {
	code    uint32
	message string
}

func (f terminal) deliver(inv *tether.Invocation) error { return inv.FailTerminal(f.code, f.message) }

// bigPiece is the most one WriteOutput offers: a cgo crossing per piece, while the
// session queues only what fits under its high watermark.
const bigPiece = 256 << 10

// letters is "abc...z" repeated over bigPiece bytes and one more alphabet, so that a
// piece starting at any value offset is a slice of it. Shared read-only by every stream.
var letters = func() []byte {
	out := make([]byte, bigPiece+26)
	for i := range out {
		out[i] = byte('a' + i%26)
	}
	return out
}()

// alphabet is big's value, byte i = 'a' + i%26, as one streamed OutputCommand: the
// endpoint holds none of it beyond letters and what the session has queued.
type alphabet struct {
	n, written uint64
	begun      bool
}

func (a *alphabet) deliver(inv *tether.Invocation) error {
	if !a.begun {
		// ErrWouldBlock: nothing queued, begin again; ErrMessageTooLarge: the 413 went out.
		if err := inv.BeginOutput(a.n); err != nil {
			return err
		}
		a.begun = true
	}
	for a.written < a.n {
		at := a.written % 26
		n, err := inv.WriteOutput(letters[at : at+min(bigPiece, a.n-a.written)])
		a.written += uint64(n)
		if err != nil {
			return err
		}
	}
	return inv.FinishOutput()
}
