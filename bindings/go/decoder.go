package tether

/*
#include <tether.h>
#include "calls.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// DecoderOptions configure a Decoder; zero fields take the defaults.
type DecoderOptions struct {
	MaxFramePayload uint32 // default 1 MiB
	MaxBuffered     int    // decoded bytes held until Next; default 4 * MaxFramePayload
	AllowContinued  bool   // accept the CONTINUED flag
}

// Frame is one decoded frame; Payload is a copy the caller owns.
type Frame struct {
	Type    uint16
	Flags   uint16
	Payload []byte
}

// Decoder is the streaming frame decoder (tether_decoder): input may be split at any
// byte, and each header is checked against the limits before its payload is buffered.
type Decoder struct {
	mu      sync.Mutex
	p       *C.tether_decoder
	cleanup runtime.Cleanup
}

// NewDecoder creates a decoder; nil options are the defaults.
func NewDecoder(o *DecoderOptions) (*Decoder, error) {
	var copts C.tether_decoder_options
	C.tether_decoder_options_init_sized(&copts, C.sizeof_tether_decoder_options)
	if o != nil {
		if o.MaxFramePayload != 0 {
			copts.max_frame_payload = C.uint32_t(o.MaxFramePayload)
		}
		if o.MaxBuffered < 0 {
			return nil, usage(StatusInvalidArgument, "MaxBuffered must not be negative")
		}
		copts.max_buffered = C.size_t(o.MaxBuffered)
		if o.AllowContinued {
			copts.allow_continued = 1
		}
	}
	var p *C.tether_decoder
	if err := errorOf(C.tether_decoder_new(&copts, &p), nil); err != nil {
		return nil, withDetail(err, "decoder options refused (MaxBuffered below MaxFramePayload + 8?)")
	}
	d := &Decoder{p: p}
	d.cleanup = track(d, unsafe.Pointer(p), freeDecoder)
	return d, nil
}

// Close frees the decoder. Idempotent.
func (d *Decoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p != nil {
		release(d.cleanup, unsafe.Pointer(d.p), freeDecoder)
		d.p = nil
	}
	return nil
}

func (d *Decoder) err(st C.tether_status) error {
	if st == C.TETHER_OK {
		return nil // (the last error is fetched only on failure: one C call fewer)
	}
	return errorOf(st, C.tether_decoder_last_error(d.p))
}

// Feed parses and buffers input, returning the bytes taken (fewer with ErrWouldBlock:
// take frames with Next, then feed the rest). After an error, ErrStreamFailed.
func (d *Decoder) Feed(data []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return 0, closedError("decoder")
	}
	r := C.tether_go_decoder_feed(d.p, cBytes(data), C.size_t(len(data)))
	return int(r.consumed), d.err(r.status)
}

// Next takes the next frame in arrival order; ok is false when none is complete.
func (d *Decoder) Next() (f Frame, ok bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return f, false, closedError("decoder")
	}
	r := C.tether_go_decoder_next(d.p)
	if r.status == C.TETHER_EMPTY {
		return f, false, nil
	}
	if r.status != C.TETHER_OK {
		return f, false, d.err(r.status)
	}
	c := &r.frame
	return Frame{Type: uint16(c._type), Flags: uint16(c.flags), Payload: goBytes(c.payload, C.size_t(c.length))}, true, nil
}

// Finish declares the end of input: ErrTruncated if it stopped inside a frame.
func (d *Decoder) Finish() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return closedError("decoder")
	}
	return d.err(C.tether_decoder_finish(d.p))
}

func freeDecoder(p unsafe.Pointer) { C.tether_decoder_free((*C.tether_decoder)(p)) }
