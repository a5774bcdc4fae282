package tether

/*
#include <stdlib.h>
#include <tether.h>
#include "calls.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// InvocationOptions configure an Invocation; zero fields take the defaults.
type InvocationOptions struct {
	Session SessionOptions
	// The largest OutputCommand the runtime accepts; bigger output becomes a terminal
	// Failure 413 naming the size and the limit. Default 32 MiB.
	MaxOutputSize uint64
}

// InvocationState is where an invocation is in its lifecycle.
type InvocationState int

const (
	InvocationWaitingStart InvocationState = C.TETHER_INVOCATION_WAITING_START
	InvocationWaitingInput InvocationState = C.TETHER_INVOCATION_WAITING_INPUT
	InvocationRunning      InvocationState = C.TETHER_INVOCATION_RUNNING
	InvocationEnding       InvocationState = C.TETHER_INVOCATION_ENDING
	InvocationDone         InvocationState = C.TETHER_INVOCATION_DONE
)

// InvocationEventKind says what Poll reported.
type InvocationEventKind int

const (
	InvocationRun      InvocationEventKind = C.TETHER_INVOCATION_EVENT_RUN      // input ready: run the handler
	InvocationWritable InvocationEventKind = C.TETHER_INVOCATION_EVENT_WRITABLE // retry a refused result or output write
	InvocationEnd      InvocationEventKind = C.TETHER_INVOCATION_EVENT_DONE     // last message queued: flush, end
)

// InvocationEvent is one Poll result and the state after it.
type InvocationEvent struct {
	Kind  InvocationEventKind
	State InvocationState
}

// Header is one InputCommand header.
type Header struct{ Key, Value string }

// InvocationInput is what the handler runs with (copies owned by the caller).
type InvocationInput struct {
	ID                             []byte
	DebugID                        string
	Key                            string
	KnownEntries                   uint32
	RetryCountSinceLastStoredEntry uint32
	DurationSinceLastStoredEntryMs uint64
	RandomSeed                     uint64
	Value                          []byte
	Headers                        []Header
}

// Invocation is the smallest handler lifecycle over a session (tether_invocation):
// Start + InputCommand in; OutputCommand + End, a terminal Failure, or a retryable
// ErrorMessage out.
type Invocation struct {
	mu      sync.Mutex
	p       *C.tether_invocation
	cleanup runtime.Cleanup
}

// NewInvocation creates an invocation; nil options are the defaults.
func NewInvocation(o *InvocationOptions) (*Invocation, error) {
	var copts C.tether_invocation_options
	C.tether_invocation_options_init_sized(&copts, C.sizeof_tether_invocation_options)
	var sopts C.tether_session_options
	if o != nil {
		o.Session.toC(&sopts)
		if o.MaxOutputSize != 0 {
			copts.max_output_size = C.uint64_t(o.MaxOutputSize)
		}
	} else {
		(*SessionOptions)(nil).toC(&sopts)
	}
	// sopts lives in C memory for the call: copts points at it, and cgo forbids
	// passing Go memory that holds a Go pointer.
	cs := (*C.tether_session_options)(C.malloc(C.sizeof_tether_session_options))
	defer C.free(unsafe.Pointer(cs))
	*cs = sopts
	copts.session = cs
	var p *C.tether_invocation
	if err := errorOf(C.tether_invocation_new(&copts, &p), nil); err != nil {
		return nil, withDetail(err, "invocation options refused")
	}
	inv := &Invocation{p: p}
	inv.cleanup = track(inv, unsafe.Pointer(p), freeInvocation)
	return inv, nil
}

// ContentTypeVersion is the protocol version of "application/vnd.restate.invocation.vN":
// ErrUnsupportedVersion outside 5..maxVersion (answer 415), ErrInvalidArgument if it
// is not such a content type.
func ContentTypeVersion(contentType string, maxVersion uint32) (uint32, error) {
	var v C.uint32_t
	st := C.tether_invocation_content_type_version(cString(contentType), C.size_t(len(contentType)),
		C.uint32_t(maxVersion), &v)
	if st != C.TETHER_OK {
		return 0, &Error{Status: Status(st), Message: "content type " + quote(contentType) +
			" is not application/vnd.restate.invocation.vN with N in 5.." + itoa(uint64(maxVersion))}
	}
	return uint32(v), nil
}

// Close frees the invocation. Idempotent.
func (i *Invocation) Close() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p != nil {
		release(i.cleanup, unsafe.Pointer(i.p), freeInvocation)
		i.p = nil
	}
	return nil
}

func (i *Invocation) err(st C.tether_status) error {
	if st == C.TETHER_OK {
		return nil // (the last error is fetched only on failure: one C call fewer)
	}
	return errorOf(st, C.tether_invocation_last_error(i.p))
}

// Feed is Session.Feed for the invocation's stream.
func (i *Invocation) Feed(data []byte) (int, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return 0, closedError("invocation")
	}
	r := C.tether_go_invocation_feed(i.p, cBytes(data), C.size_t(len(data)))
	return int(r.consumed), i.err(r.status)
}

// FinishInput declares the end of the request body.
func (i *Invocation) FinishInput() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_finish_input(i.p))
}

// Poll is the dispatch step (Pings are answered here): ok false when nothing is due.
// ErrWouldBlock: take output, then poll again. ErrClosed after the end was reported.
// A malformed message's status comes back once; the next Poll reports InvocationEnd.
func (i *Invocation) Poll() (ev InvocationEvent, ok bool, err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return ev, false, closedError("invocation")
	}
	r := C.tether_go_invocation_poll(i.p)
	if r.status == C.TETHER_EMPTY {
		return ev, false, nil
	}
	if r.status != C.TETHER_OK {
		return ev, false, i.err(r.status)
	}
	return InvocationEvent{Kind: InvocationEventKind(r.event.kind), State: InvocationState(r.event.state)}, true, nil
}

// Input is the handler's input, from InvocationRun on (ErrInvalidState before).
func (i *Invocation) Input() (*InvocationInput, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return nil, closedError("invocation")
	}
	var in C.tether_invocation_input
	if err := i.err(C.tether_invocation_input_get(i.p, &in)); err != nil {
		return nil, err
	}
	out := &InvocationInput{
		ID:                             goBytes(in.id, in.id_length),
		DebugID:                        goString(in.debug_id, in.debug_id_length),
		Key:                            goString(in.key, in.key_length),
		KnownEntries:                   uint32(in.known_entries),
		RetryCountSinceLastStoredEntry: uint32(in.retry_count_since_last_stored_entry),
		DurationSinceLastStoredEntryMs: uint64(in.duration_since_last_stored_entry),
		RandomSeed:                     uint64(in.random_seed),
		Value:                          goBytes(in.value, in.value_length),
	}
	for _, h := range unsafeSlice(in.headers, in.header_count) {
		out.Headers = append(out.Headers, Header{goString(h.key, h.key_length), goString(h.value, h.value_length)})
	}
	return out, nil
}

// Complete queues OutputCommand{value} + End. ErrMessageTooLarge: a terminal Failure
// 413 went out instead (the invocation completes, failed). ErrWouldBlock: nothing
// queued; call again after InvocationWritable.
func (i *Invocation) Complete(value []byte) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_complete(i.p, cBytes(value), C.size_t(len(value))))
}

// FailTerminal queues OutputCommand{failure{code, message}} + End.
func (i *Invocation) FailTerminal(code uint32, message string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_fail_terminal(i.p, C.uint32_t(code), cString(message), C.size_t(len(message))))
}

// FailRetryable queues ErrorMessage{code, message}: the runtime retries the attempt.
func (i *Invocation) FailRetryable(code uint32, message string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_fail_retryable(i.p, C.uint32_t(code), cString(message), C.size_t(len(message))))
}

// BeginOutput begins a streamed OutputCommand of length value bytes, written in
// pieces with WriteOutput and ended with FinishOutput, so the queued output stays
// under the session's high watermark however large the value. ErrMessageTooLarge:
// length is over the output limit and a terminal Failure 413 went out instead (as
// Complete). ErrWouldBlock: nothing queued; begin again after InvocationWritable.
// ErrInvalidState unless the handler is running with no output open.
func (i *Invocation) BeginOutput(length uint64) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_output_begin(i.p, C.uint64_t(length)))
}

// WriteOutput queues the next value bytes of the open output, as many as fit under
// the high watermark, and returns how many: a short write is no error. ErrWouldBlock
// (n == 0) when none fit: write the rest after InvocationWritable. More bytes than
// the length left: ErrInvalidArgument, nothing queued. ErrInvalidState with no output
// open; ErrClosed once the stream ended under the open output (it failed: end the
// response). The bytes are copied; p is not kept.
func (i *Invocation) WriteOutput(p []byte) (n int, err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return 0, closedError("invocation")
	}
	r := C.tether_go_invocation_output_write(i.p, cBytes(p), C.size_t(len(p)))
	return int(r.consumed), i.err(r.status)
}

// FinishOutput ends the open output once all its bytes were written (else
// ErrInvalidState, and the output stays open); End follows as after Complete.
// ErrClosed once the stream ended under the open output.
func (i *Invocation) FinishOutput() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return closedError("invocation")
	}
	return i.err(C.tether_invocation_output_finish(i.p))
}

// State is the lifecycle state (InvocationDone once closed).
func (i *Invocation) State() InvocationState {
	i.mu.Lock()
	defer i.mu.Unlock()
	return InvocationState(C.tether_invocation_state_get(i.p))
}

// TakeOutput copies out and consumes up to limit bytes of output (limit <= 0: all).
func (i *Invocation) TakeOutput(limit int) []byte { return i.AppendOutput(nil, limit) }

// AppendOutput is TakeOutput into dst.
func (i *Invocation) AppendOutput(dst []byte, limit int) []byte {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return dst
	}
	return appendOutput(dst, limit, func(buf *C.uint8_t, n C.size_t) C.tether_go_taken {
		return C.tether_go_invocation_take(i.p, buf, n)
	})
}

// Stats returns the underlying session's counters.
func (i *Invocation) Stats() (SessionStats, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.p == nil {
		return SessionStats{}, closedError("invocation")
	}
	var c C.tether_session_stats
	c.struct_size = C.sizeof_tether_session_stats
	if err := i.err(C.tether_invocation_session_stats(i.p, &c)); err != nil {
		return SessionStats{}, err
	}
	return statsFromC(&c), nil
}

func freeInvocation(p unsafe.Pointer) { C.tether_invocation_free((*C.tether_invocation)(p)) }
