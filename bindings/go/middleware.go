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

// MiddlewareOptions configure a Middleware; zero fields take the defaults.
type MiddlewareOptions struct {
	Session SessionOptions // version, extensions, limits, budgets of the stream
	// The runtime's limit for one message (default 32 MiB): the SDK's first message
	// over it is replaced by a terminal Failure 413 + End.
	MaxOutputSize uint64
}

// Middleware is tether between an HTTP/2 stream and an upstream SDK's state machine
// (tether_middleware, PROTOCOL.md "tether in front of an upstream SDK"). Request
// bytes go in with Feed; TakeSDKInput is the SDK's dispatch step (Pings are answered
// there) and returns plain upstream frames; the SDK's output goes in with SDKOutput
// and the wire bytes come out of TakeOutput.
type Middleware struct {
	mu      sync.Mutex
	p       *C.tether_middleware
	cleanup runtime.Cleanup
}

// NewMiddleware creates a middleware; nil options are the defaults.
func NewMiddleware(o *MiddlewareOptions) (*Middleware, error) {
	// The options live in C memory for the call: copts points at the session options.
	copts := (*C.tether_middleware_options)(C.malloc(C.sizeof_tether_middleware_options))
	defer C.free(unsafe.Pointer(copts))
	cs := (*C.tether_session_options)(C.malloc(C.sizeof_tether_session_options))
	defer C.free(unsafe.Pointer(cs))
	C.tether_middleware_options_init_sized(copts, C.sizeof_tether_middleware_options)
	if o == nil {
		o = &MiddlewareOptions{}
	}
	o.Session.toC(cs)
	copts.session = cs
	if o.MaxOutputSize != 0 {
		copts.max_output_size = C.uint64_t(o.MaxOutputSize)
	}
	var p *C.tether_middleware
	if err := errorOf(C.tether_middleware_new(copts, &p), nil); err != nil {
		return nil, withDetail(err, "middleware options refused")
	}
	m := &Middleware{p: p}
	m.cleanup = track(m, unsafe.Pointer(p), freeMiddleware)
	return m, nil
}

func freeMiddleware(p unsafe.Pointer) { C.tether_middleware_free((*C.tether_middleware)(p)) }

// Close frees the middleware. Idempotent.
func (m *Middleware) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p != nil {
		release(m.cleanup, unsafe.Pointer(m.p), freeMiddleware)
		m.p = nil
	}
	return nil
}

func (m *Middleware) err(st C.tether_status) error {
	if st == C.TETHER_OK {
		return nil
	}
	return errorOf(st, C.tether_middleware_last_error(m.p))
}

// Feed takes request bytes (as Session.Feed): ErrWouldBlock with the bytes taken so
// far means take SDK input first, then feed the rest.
func (m *Middleware) Feed(data []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return 0, closedError("middleware")
	}
	r := C.tether_go_middleware_feed(m.p, cBytes(data), C.size_t(len(data)))
	return int(r.consumed), m.err(r.status)
}

// FinishInput declares the end of the request body.
func (m *Middleware) FinishInput() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return closedError("middleware")
	}
	return m.err(C.tether_middleware_finish_input(m.p))
}

// TakeSDKInput is the dispatch step, called on the SDK's own loop: it answers the
// Pings read so far (their Pongs are queued here) and returns the next plain frames
// for the SDK (a copy; empty: nothing yet). ErrClosed once input finished and all was
// taken. A fatal error after malformed input: an ErrorMessage 571 is queued; give the
// SDK nothing more, write the output, end the response.
func (m *Middleware) TakeSDKInput() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return nil, closedError("middleware")
	}
	r := C.tether_go_middleware_take_sdk_input(m.p)
	if err := m.err(r.status); err != nil {
		return nil, err
	}
	return goBytes(r.data, r.length), nil
}

// SDKOutput takes the SDK's output bytes, split anywhere, and returns how many it
// took. ErrWouldBlock: output is at the high watermark; write output, then call again
// with the rest (nil when all was taken: a frame waits whole). ErrMessageTooLarge,
// once: a message over the limit was replaced by a Failure 413 + End; later output
// is taken and dropped. ErrInvalidArgument: the SDK sent a type the version does not
// know, a Ping or a Pong; the stream's output stops there.
func (m *Middleware) SDKOutput(data []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return 0, closedError("middleware")
	}
	r := C.tether_go_middleware_sdk_output(m.p, cBytes(data), C.size_t(len(data)))
	return int(r.consumed), m.err(r.status)
}

// SDKOutputEnd declares the end of the SDK's output: ErrTruncated inside a frame,
// ErrWouldBlock if a frame still waits for room (write output, SDKOutput(nil), again).
func (m *Middleware) SDKOutputEnd() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return closedError("middleware")
	}
	return m.err(C.tether_middleware_sdk_output_end(m.p))
}

// TakeOutput copies out and consumes up to limit bytes of response body (<= 0: all).
func (m *Middleware) TakeOutput(limit int) []byte { return m.AppendOutput(nil, limit) }

// AppendOutput is TakeOutput into dst.
func (m *Middleware) AppendOutput(dst []byte, limit int) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return dst
	}
	return appendOutput(dst, limit, func(buf *C.uint8_t, n C.size_t) C.tether_go_taken {
		return C.tether_go_middleware_take(m.p, buf, n)
	})
}

// Replaced says whether an oversize SDK message was replaced by the 413 Failure.
func (m *Middleware) Replaced() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.p != nil && C.tether_middleware_replaced(m.p) != 0
}

// Stats returns the stream's session counters (Pings answered, bytes, peaks).
func (m *Middleware) Stats() (SessionStats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p == nil {
		return SessionStats{}, closedError("middleware")
	}
	var c C.tether_session_stats
	c.struct_size = C.sizeof_tether_session_stats
	if err := m.err(C.tether_middleware_session_stats(m.p, &c)); err != nil {
		return SessionStats{}, err
	}
	return statsFromC(&c), nil
}
