package tether

/*
#include <tether.h>
*/
import "C"

// Extensions is a set of tether extension features (PROTOCOL.md section 2),
// negotiated per stream with the tether-extensions header.
type Extensions uint32

const (
	ExtPing    Extensions = C.TETHER_EXT_PING    // "ping/1": Ping/Pong
	ExtChunked Extensions = C.TETHER_EXT_CHUNKED // "chunked/1": CONTINUED chunking
	ExtAll     Extensions = C.TETHER_EXT_ALL     // every feature this library supports

	// ExtensionsHeader is the header that offers (request) and accepts (response) them.
	ExtensionsHeader = C.TETHER_EXTENSIONS_HEADER
	// ExtensionsMaxLength is the longest header value ParseExtensions accepts.
	ExtensionsMaxLength = C.TETHER_EXTENSIONS_MAX_LENGTH
)

// ParseExtensions reads a tether-extensions header value ("" = no header) and returns
// the known features it names that are also in supported. Unknown tokens are ignored;
// a value over ExtensionsMaxLength or with a malformed token is ErrInvalidArgument
// naming the problem (answer 400).
func ParseExtensions(value string, supported Extensions) (Extensions, error) {
	var accepted C.uint32_t
	var problem *C.char
	st := C.tether_extensions_parse(cString(value), C.size_t(len(value)), C.uint32_t(supported), &accepted, &problem)
	if st != C.TETHER_OK {
		msg := "malformed " + ExtensionsHeader + " header"
		if problem != nil {
			msg += ": " + C.GoString(problem)
		}
		return 0, &Error{Status: Status(st), Message: msg}
	}
	return Extensions(accepted), nil
}

// String is the header value for the set ("ping/1, chunked/1"; "" for none).
func (e Extensions) String() string {
	s, err := FormatExtensions(e)
	if err != nil {
		return "unknown extensions 0x" + strconvHex(uint64(e))
	}
	return s
}

// FormatExtensions is the header value for a set; ErrInvalidArgument for bits that
// are not Ext* features.
func FormatExtensions(e Extensions) (string, error) {
	s := C.tether_extensions_format(C.uint32_t(e))
	if s == nil {
		return "", usage(StatusInvalidArgument, "extension set 0x"+strconvHex(uint64(e))+" has bits that are no feature")
	}
	return C.GoString(s), nil
}

// Negotiate is the SDK side of the negotiation for one request: what to accept of
// the offer in the request headers, and the response header value to send ("" =
// send no header).
func Negotiate(offer string) (accepted Extensions, responseValue string, err error) {
	accepted, err = ParseExtensions(offer, ExtAll)
	if err != nil || accepted == 0 {
		return 0, "", err
	}
	return accepted, accepted.String(), nil
}
