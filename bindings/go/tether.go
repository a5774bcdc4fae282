// Package tether is the Go binding of libtether, over its C API (tether.h) with cgo.
//
// libtether keeps the invocation stream between a Restate runtime and an SDK
// healthy: it answers application-level Pings from the dispatch loop, carries large
// messages as bounded chunks, checks size limits before anything is queued, and
// bounds every queue with backpressure (ErrWouldBlock).
//
// Every handle (Session, Invocation, Decoder, Prober, Middleware) is closed with
// Close; a finalizer frees one that was never closed. Calls on one handle are
// serialized by a mutex, so sharing a handle between goroutines is safe though rarely
// useful. Byte slices passed in are borrowed for the call only; slices returned are
// copies owned by the caller. C never holds a Go pointer: the Prober's callback
// crosses as an integer id.
//
// The library is found with pkg-config (tether.pc); see README.md.
package tether

/*
#cgo pkg-config: tether
#include <tether.h>
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// The header's version, compiled in.
const (
	Version       = C.TETHER_VERSION
	VersionString = C.TETHER_VERSION_STRING
	ABIVersion    = C.TETHER_ABI_VERSION
)

// LibraryVersion is the TETHER_VERSION of the libtether loaded at run time.
func LibraryVersion() uint { return uint(C.tether_version()) }

// LibraryVersionString is the version string of the libtether loaded at run time.
func LibraryVersionString() string { return C.GoString(C.tether_version_string()) }

// Frame and protocol constants of tether.h.
const (
	FrameHeaderSize        = C.TETHER_FRAME_HEADER_SIZE
	DefaultMaxFramePayload = C.TETHER_DEFAULT_MAX_FRAME_PAYLOAD
	DefaultMaxMessageSize  = C.TETHER_DEFAULT_MAX_MESSAGE_SIZE
	ProtocolMinVersion     = C.TETHER_PROTOCOL_MIN_VERSION
	ProtocolMaxVersion     = C.TETHER_PROTOCOL_MAX_VERSION

	MsgStart                = C.TETHER_MSG_START
	MsgSuspension           = C.TETHER_MSG_SUSPENSION
	MsgError                = C.TETHER_MSG_ERROR
	MsgEnd                  = C.TETHER_MSG_END
	MsgCommandAck           = C.TETHER_MSG_COMMAND_ACK
	MsgProposeRunCompletion = C.TETHER_MSG_PROPOSE_RUN_COMPLETION
	MsgAwaitingOn           = C.TETHER_MSG_AWAITING_ON
	MsgPing                 = C.TETHER_MSG_PING
	MsgPong                 = C.TETHER_MSG_PONG
	MsgInputCommand         = C.TETHER_MSG_INPUT_COMMAND
	MsgOutputCommand        = C.TETHER_MSG_OUTPUT_COMMAND

	FlagRequestedAck = C.TETHER_FLAG_REQUESTED_ACK
	FlagContinued    = C.TETHER_FLAG_CONTINUED
)

// EncodeFrameHeader returns the 8-byte big-endian header of a frame.
func EncodeFrameHeader(typ, flags uint16, length uint32) [FrameHeaderSize]byte {
	var out [FrameHeaderSize]byte
	C.tether_frame_header_encode(C.uint16_t(typ), C.uint16_t(flags), C.uint32_t(length),
		(*C.uint8_t)(unsafe.Pointer(&out[0])))
	return out
}

// cBytes borrows b for the duration of one C call (cgo's pointer rules allow it:
// C keeps nothing). nil for an empty slice.
func cBytes(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b)))
}

// goBytes copies n bytes of library-owned memory into a new slice.
func goBytes(p *C.uint8_t, n C.size_t) []byte {
	out := make([]byte, int(n))
	if n != 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return out
}

func unsafeSlice[T any](p *T, n C.size_t) []T {
	if n == 0 || p == nil {
		return nil
	}
	return unsafe.Slice(p, int(n))
}

// cString borrows a Go string's bytes as a (not NUL-terminated) C pointer for one call.
func cString(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

func goString(p *C.char, n C.size_t) string {
	if n == 0 {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

func quote(s string) string { return strconv.Quote(s) }

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func strconvHex(v uint64) string { return strconv.FormatUint(v, 16) }
