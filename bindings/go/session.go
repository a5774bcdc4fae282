package tether

/*
#include <tether.h>
#include "calls.h"
*/
import "C"

import (
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// SessionOptions configure a Session; a zero field takes the library's default.
type SessionOptions struct {
	ProtocolVersion       uint32     // negotiated upstream version, 5..8; default 8
	Extensions            Extensions // features active on this stream (both sides named them); default none
	MaxFramePayload       uint32     // chunk bound; default 1 MiB
	MaxMessageSize        uint64     // one reassembled message; default 32 MiB
	InboundBudget         uint64     // bytes fed but not dispatched; default limit + 2 frames
	OutboundHighWatermark uint64     // Send refuses at or above it; default 4 MiB
	OutboundLowWatermark  uint64     // EventWritable fires below it; default high / 4
}

func (o *SessionOptions) toC(c *C.tether_session_options) {
	C.tether_session_options_init_sized(c, C.sizeof_tether_session_options)
	if o == nil {
		return
	}
	if o.ProtocolVersion != 0 {
		c.protocol_version = C.uint32_t(o.ProtocolVersion)
	}
	c.extensions = C.uint32_t(o.Extensions)
	if o.MaxFramePayload != 0 {
		c.max_frame_payload = C.uint32_t(o.MaxFramePayload)
	}
	if o.MaxMessageSize != 0 {
		c.max_message_size = C.uint64_t(o.MaxMessageSize)
	}
	if o.InboundBudget != 0 {
		c.inbound_budget = C.uint64_t(o.InboundBudget)
	}
	if o.OutboundHighWatermark != 0 {
		c.outbound_high_watermark = C.uint64_t(o.OutboundHighWatermark)
	}
	if o.OutboundLowWatermark != 0 {
		c.outbound_low_watermark = C.uint64_t(o.OutboundLowWatermark)
	}
}

// EventKind says what a Session event is.
type EventKind int

const (
	EventMessage  EventKind = C.TETHER_EVENT_MESSAGE  // a message for the handler
	EventPing     EventKind = C.TETHER_EVENT_PING     // a Ping was dispatched (Data = nonce)
	EventWritable EventKind = C.TETHER_EVENT_WRITABLE // output drained: Send may go on
)

// Event is one dispatch step's result. Data is a copy the caller owns.
type Event struct {
	Kind     EventKind
	Type     uint16
	Flags    uint16
	Data     []byte
	Answered bool // EventPing: its Pong was queued
}

// SessionStats are a session's counters.
type SessionStats struct {
	BytesIn, BytesOut                         uint64
	FramesIn, FramesOut                       uint64
	ChunksIn, ChunksOut                       uint64
	MessagesIn, MessagesOut                   uint64
	PingsAnswered                             uint64
	InboundBuffered, OutboundBuffered         uint64
	PeakInboundBuffered, PeakOutboundBuffered uint64
}

func statsFromC(c *C.tether_session_stats) SessionStats {
	return SessionStats{
		BytesIn: uint64(c.bytes_in), BytesOut: uint64(c.bytes_out),
		FramesIn: uint64(c.frames_in), FramesOut: uint64(c.frames_out),
		ChunksIn: uint64(c.chunks_in), ChunksOut: uint64(c.chunks_out),
		MessagesIn: uint64(c.messages_in), MessagesOut: uint64(c.messages_out),
		PingsAnswered:   uint64(c.pings_answered),
		InboundBuffered: uint64(c.inbound_buffered), OutboundBuffered: uint64(c.outbound_buffered),
		PeakInboundBuffered:  uint64(c.peak_inbound_buffered),
		PeakOutboundBuffered: uint64(c.peak_outbound_buffered),
	}
}

// Session is one invocation stream, SDK side (tether_session): Feed parses and
// queues, NextEvent is the dispatch step (a Ping's Pong is queued right there), Send
// frames and queues output, TakeOutput hands the wire bytes to the transport.
type Session struct {
	mu      sync.Mutex
	p       *C.tether_session
	cleanup runtime.Cleanup
}

// NewSession creates a session; nil options are the defaults.
func NewSession(o *SessionOptions) (*Session, error) {
	var copts C.tether_session_options
	o.toC(&copts)
	var p *C.tether_session
	if err := errorOf(C.tether_session_new(&copts, &p), nil); err != nil {
		return nil, withDetail(err, "session options refused")
	}
	s := &Session{p: p}
	s.cleanup = track(s, unsafe.Pointer(p), freeSession)
	return s, nil
}

// Close frees the session; later calls return ErrInvalidState. Idempotent.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		release(s.cleanup, unsafe.Pointer(s.p), freeSession)
		s.p = nil
	}
	return nil
}

func (s *Session) err(st C.tether_status) error {
	if st == C.TETHER_OK {
		return nil // (the last error is fetched only on failure: one C call fewer)
	}
	return errorOf(st, C.tether_session_last_error(s.p))
}

// Feed parses input and queues complete messages. It returns the bytes taken: all of
// them with a nil error, what fitted with ErrWouldBlock (dispatch, then feed the rest).
// Malformed input fails the stream with its own status (ErrUnknownType,
// ErrFrameTooLarge...) and queues an ErrorMessage 571 naming it.
func (s *Session) Feed(data []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return 0, closedError("session")
	}
	r := C.tether_go_session_feed(s.p, cBytes(data), C.size_t(len(data)))
	return int(r.consumed), s.err(r.status)
}

// FinishInput declares the end of input; ErrTruncated if it ended inside a message.
func (s *Session) FinishInput() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return closedError("session")
	}
	return s.err(C.tether_session_finish_input(s.p))
}

// NextEvent is the dispatch step: ok is false when nothing is ready (feed more).
// ErrWouldBlock: a Pong waits for output to be taken. A fatal error is the stream's.
// Event.Data is a new slice.
func (s *Session) NextEvent() (ev Event, ok bool, err error) { return s.NextEventInto(nil) }

// NextEventInto is NextEvent with Event.Data appended to buf[:0], so a dispatch loop
// reusing one buffer allocates nothing (Data is valid until buf is reused).
func (s *Session) NextEventInto(buf []byte) (ev Event, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return ev, false, closedError("session")
	}
	r := C.tether_go_session_next_event(s.p)
	if r.status == C.TETHER_EMPTY {
		return ev, false, nil
	}
	if r.status != C.TETHER_OK {
		return ev, false, s.err(r.status)
	}
	e := &r.event
	data := buf[:0]
	if e.length != 0 {
		data = append(data, unsafe.Slice((*byte)(unsafe.Pointer(e.data)), int(e.length))...)
	} else if data == nil {
		data = []byte{}
	}
	return Event{
		Kind: EventKind(e.kind), Type: uint16(e._type), Flags: uint16(e.flags),
		Data: data, Answered: e.answered != 0,
	}, true, nil
}

// Turn is what one Step did.
type Turn struct {
	Consumed int    // bytes of in taken: all of them, fewer when the inbound budget was full
	Event    Event  // the dispatched event, when HasEvent
	HasEvent bool   // false: nothing was ready (feed more)
	Output   []byte // the out argument with the output taken appended
}

// Step is one turn of a dispatch loop that reads, dispatches and writes on one
// goroutine, in one cgo crossing instead of three: Feed(in) (skipped for an empty in),
// NextEventInto(buf), then AppendOutput(out, outLimit) (outLimit <= 0: what fits in
// out's spare capacity, at least 512 bytes). Output beyond that stays queued for
// AppendOutput. A fatal input error is returned after its ErrorMessage was taken into
// Output; ErrWouldBlock from the dispatch means a Pong waited for room: the output was
// taken now, so Step again.
func (s *Session) Step(in, buf, out []byte, outLimit int) (Turn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return Turn{Output: out}, closedError("session")
	}
	room := outLimit
	if room <= 0 {
		room = max(cap(out)-len(out), 512)
	}
	out = slices.Grow(out, room)
	free := out[len(out) : len(out)+room]
	buf = slices.Grow(buf[:0], 1024)
	data := buf[:cap(buf)]
	r := C.tether_go_session_step(s.p, cBytes(in), C.size_t(len(in)),
		cBytes(data), C.size_t(len(data)), cBytes(free), C.size_t(len(free)))
	t := Turn{Consumed: int(r.fed.consumed), Output: out[:len(out)+int(r.out.taken)]}
	if r.fed.status != C.TETHER_OK && r.fed.status != C.TETHER_WOULD_BLOCK {
		return t, s.err(r.fed.status)
	}
	switch r.next.status {
	case C.TETHER_EMPTY:
		return t, nil
	case C.TETHER_OK:
	default:
		return t, s.err(r.next.status)
	}
	e := &r.next.event
	n := int(e.length)
	if n > len(data) { // did not fit: copied here, then the output the C side left queued
		data = append(buf[:0], unsafe.Slice((*byte)(unsafe.Pointer(e.data)), n)...)
		t.Output = appendOutput(t.Output, room, func(b *C.uint8_t, c C.size_t) C.tether_go_taken {
			return C.tether_go_session_take(s.p, b, c)
		})
	}
	t.Event = Event{Kind: EventKind(e.kind), Type: uint16(e._type), Flags: uint16(e.flags),
		Data: data[:n], Answered: e.answered != 0}
	t.HasEvent = true
	return t, nil
}

// Send frames and queues one message, all of it or nothing: ErrMessageTooLarge
// (nothing queued), ErrWouldBlock (at the high watermark: wait for EventWritable),
// ErrClosed after End or Error.
func (s *Session) Send(typ uint16, payload []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return closedError("session")
	}
	return s.err(C.tether_session_send(s.p, C.uint16_t(typ), cBytes(payload), C.size_t(len(payload))))
}

// TakeOutput copies out and consumes up to limit bytes of queued output (limit <= 0:
// all of it); nil when there is none.
func (s *Session) TakeOutput(limit int) []byte { return s.AppendOutput(nil, limit) }

// AppendOutput is TakeOutput into dst (a transport reusing one buffer allocates nothing).
func (s *Session) AppendOutput(dst []byte, limit int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return dst
	}
	return appendOutput(dst, limit, func(buf *C.uint8_t, n C.size_t) C.tether_go_taken {
		return C.tether_go_session_take(s.p, buf, n)
	})
}

// Stats returns the session's counters.
func (s *Session) Stats() (SessionStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return SessionStats{}, closedError("session")
	}
	var c C.tether_session_stats
	c.struct_size = C.sizeof_tether_session_stats
	if err := s.err(C.tether_session_stats_get(s.p, &c)); err != nil {
		return SessionStats{}, err
	}
	return statsFromC(&c), nil
}

// appendOutput appends up to limit (<= 0: no limit) bytes of output to dst through a
// handle's take helper (output.c), growing dst as the helper reports more.
func appendOutput(dst []byte, limit int, take func(*C.uint8_t, C.size_t) C.tether_go_taken) []byte {
	start := len(dst)
	want := 512 // a first guess: Pongs and small messages fit
	for want > 0 {
		if limit > 0 {
			left := limit - (len(dst) - start)
			if left <= 0 {
				break
			}
			want = min(want, left)
		}
		dst = slices.Grow(dst, want)
		free := dst[len(dst):cap(dst)]
		if limit > 0 {
			free = free[:min(len(free), limit-(len(dst)-start))]
		}
		r := take(cBytes(free), C.size_t(len(free)))
		dst = dst[:len(dst)+int(r.taken)]
		if r.taken == 0 {
			break
		}
		want = int(r.more)
	}
	if len(dst) == 0 && start == 0 {
		return nil
	}
	return dst
}

func freeSession(p unsafe.Pointer) { C.tether_session_free((*C.tether_session)(p)) }
