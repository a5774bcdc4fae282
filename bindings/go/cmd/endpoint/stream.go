package main

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"

	"tether.dev/tether"
)

const (
	readPiece  = 64 << 10  // request bytes per Body.Read
	writePiece = 256 << 10 // response bytes per Write: the HTTP/2 buffers stay bounded
)

// stream drives one invocation. Its goroutine (the handler's) is the stream's
// dispatch loop: it polls (Pongs are produced there), runs the handler and writes the
// response. A reader goroutine feeds the request body as it arrives, so Pings that
// come while the handler runs are queued, and answered after its Output and before
// End (between the chunks of a streamed Output); while the handler runs nothing
// polls, so this stream's Pongs wait for it.
type stream struct {
	inv     *tether.Invocation
	handler func([]byte) reply
	w       http.ResponseWriter
	flusher http.Flusher
	wake    chan struct{} // for the dispatch loop: input was fed, or the reader ended
	room    chan struct{} // for the reader: the dispatch loop ran
	result  reply         // the handler's result until the invocation took all of it
	out     []byte        // the response piece being written, reused
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// read feeds the request body; on a full inbound budget it waits for the dispatch
// loop to make room. It ends at the end of the body, on a stream failure, or when
// the request goes away.
func (s *stream) read(ctx context.Context, body io.Reader) {
	defer signal(s.wake)
	buf := make([]byte, readPiece)
	for {
		n, rerr := body.Read(buf)
		data := buf[:n]
		for len(data) > 0 {
			taken, err := s.inv.Feed(data)
			data = data[taken:]
			if errors.Is(err, tether.ErrWouldBlock) {
				signal(s.wake)
				select {
				case <-s.room:
				case <-ctx.Done():
					return
				}
				continue
			}
			if err != nil { // malformed input: an ErrorMessage is queued; the rest is dropped
				if ctx.Err() == nil {
					log.Printf("stream failed: %v", err)
				}
				return
			}
		}
		signal(s.wake)
		if rerr == io.EOF {
			if err := s.inv.FinishInput(); err != nil && !errors.Is(err, tether.ErrStreamFailed) {
				log.Printf("input ended badly: %v", err)
			}
			return
		}
		if rerr != nil {
			return
		}
	}
}

// deliver hands the handler's result to the invocation; it is kept on WouldBlock.
func (s *stream) deliver() {
	err := s.result.deliver(s.inv)
	if errors.Is(err, tether.ErrWouldBlock) {
		return // InvocationWritable comes once the output has drained: the rest goes then
	}
	// ErrMessageTooLarge: a terminal Failure 413 went out instead; ErrClosed: the stream
	// failed under a streamed value (Poll reports why, then the end).
	if err != nil {
		log.Printf("result refused: %v", err)
	}
	s.result = nil
}

// dispatch polls until nothing is due; it reports whether the invocation is done.
func (s *stream) dispatch() (done bool) {
	for {
		ev, ok, err := s.inv.Poll()
		switch {
		case errors.Is(err, tether.ErrWouldBlock), errors.Is(err, tether.ErrClosed):
			return errors.Is(err, tether.ErrClosed)
		case err != nil: // malformed or unexpected input: an ErrorMessage is queued, End follows
			log.Printf("stream failed: %v", err)
			continue
		case !ok:
			return false
		}
		switch ev.Kind {
		case tether.InvocationRun:
			in, err := s.inv.Input()
			if err != nil {
				log.Printf("input: %v", err)
				continue
			}
			s.result = s.handler(in.Value)
			s.deliver()
		case tether.InvocationWritable:
			if s.result != nil {
				s.deliver()
			}
		case tether.InvocationEnd:
			done = true
		}
		if done {
			return true
		}
	}
}

// flush writes every queued output byte: wrote says whether there was any, ok is
// false once the runtime went away.
func (s *stream) flush() (wrote, ok bool) {
	for {
		out := s.inv.AppendOutput(s.out[:0], writePiece)
		if len(out) == 0 { // (nil then: s.out keeps the buffer)
			return wrote, true
		}
		s.out = out // Write keeps no reference to its bytes: the buffer is reused
		if _, err := s.w.Write(out); err != nil {
			return wrote, false
		}
		s.flusher.Flush()
		wrote = true
	}
}

func (s *stream) run(ctx context.Context, body io.Reader) {
	go s.read(ctx, body)
	for {
		done := s.dispatch()
		signal(s.room)
		wrote, ok := s.flush()
		if !ok || done {
			return // done: End (or an ErrorMessage) was queued and is now written
		}
		if wrote {
			continue // writing can let a waiting Pong or a refused result go on
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return
		}
	}
}
