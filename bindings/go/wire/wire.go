// Package wire builds and reads the few protocol messages that code playing the
// runtime needs (tests, benchmarks, examples): frames, Start, InputCommand, Ping, and
// the SDK's OutputCommand, ErrorMessage and Pong. Bodies are protobuf, written and
// read with protowire.
package wire

import (
	"encoding/binary"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Message types and flags (PROTOCOL.md), as in tether.h.
const (
	Start         = 0x0000
	Error         = 0x0002
	End           = 0x0003
	Ping          = 0x0008
	Pong          = 0x0009
	InputCommand  = 0x0400
	OutputCommand = 0x0401

	Continued = 0x4000
)

// Frame is the 8-byte header (type, flags, length) followed by the payload.
func Frame(typ, flags uint16, payload []byte) []byte {
	out := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint64(out, uint64(typ)<<48|uint64(flags)<<32|uint64(len(payload)))
	return append(out, payload...)
}

// StartMessage is a StartMessage body: id, debug_id, known_entries (1: Input follows).
func StartMessage(id []byte, debugID string, knownEntries uint32) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, id)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendString(b, debugID)
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(knownEntries))
	return b
}

// InputMessage is an InputCommandMessage body carrying value.
func InputMessage(value []byte) []byte {
	var v []byte
	v = protowire.AppendTag(v, 1, protowire.BytesType)
	v = protowire.AppendBytes(v, value)
	var b []byte
	b = protowire.AppendTag(b, 14, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// NonceMessage is a PingMessage or PongMessage body.
func NonceMessage(nonce []byte) []byte {
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	return protowire.AppendBytes(b, nonce)
}

// Invocation is the whole request of the simplest invocation: Start + Input.
func Invocation(value []byte) []byte {
	return append(Frame(Start, 0, StartMessage([]byte("id"), "inv_test", 1)), Frame(InputCommand, 0, InputMessage(value))...)
}

// fields walks a protobuf body, calling f with each field number and its bytes
// (varints as their value in n).
func fields(body []byte, f func(num protowire.Number, data []byte, n uint64)) error {
	for len(body) > 0 {
		num, typ, tn := protowire.ConsumeTag(body)
		if tn < 0 {
			return protowire.ParseError(tn)
		}
		body = body[tn:]
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(body)
			if n < 0 {
				return protowire.ParseError(n)
			}
			f(num, v, 0)
			body = body[n:]
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(body)
			if n < 0 {
				return protowire.ParseError(n)
			}
			f(num, nil, v)
			body = body[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, body)
			if n < 0 {
				return protowire.ParseError(n)
			}
			body = body[n:]
		}
	}
	return nil
}

// Output is an OutputCommand: a value, or a failure code and message.
type Output struct {
	Value          []byte
	FailureCode    uint32
	FailureMessage string
}

// ParseOutput reads an OutputCommandMessage body.
func ParseOutput(body []byte) (Output, error) {
	var o Output
	var inner error
	err := fields(body, func(num protowire.Number, data []byte, _ uint64) {
		switch num {
		case 14:
			inner = fields(data, func(n protowire.Number, d []byte, _ uint64) {
				if n == 1 {
					o.Value = append([]byte{}, d...)
				}
			})
		case 15:
			inner = fields(data, func(n protowire.Number, d []byte, v uint64) {
				switch n {
				case 1:
					o.FailureCode = uint32(v)
				case 2:
					o.FailureMessage = string(d)
				}
			})
		}
	})
	if err == nil {
		err = inner
	}
	if err != nil {
		return o, fmt.Errorf("OutputCommand body: %w", err)
	}
	if o.Value == nil && o.FailureCode == 0 {
		o.Value = []byte{}
	}
	return o, nil
}

// ParseError reads an ErrorMessage body: code and message.
func ParseError(body []byte) (code uint32, message string, err error) {
	err = fields(body, func(num protowire.Number, data []byte, v uint64) {
		switch num {
		case 1:
			code = uint32(v)
		case 2:
			message = string(data)
		}
	})
	return code, message, err
}

// ParseNonce reads a PingMessage or PongMessage body.
func ParseNonce(body []byte) (nonce []byte, err error) {
	err = fields(body, func(num protowire.Number, data []byte, _ uint64) {
		if num == 1 {
			nonce = append([]byte{}, data...)
		}
	})
	return nonce, err
}

// Message is one frame read back: type, flags and payload.
type Message struct {
	Type, Flags uint16
	Payload     []byte
}

// Split cuts whole frames out of b (chunks are not joined); the rest is returned.
func Split(b []byte) (msgs []Message, rest []byte) {
	for len(b) >= 8 {
		h := binary.BigEndian.Uint64(b)
		n := int(uint32(h))
		if len(b) < 8+n {
			break
		}
		msgs = append(msgs, Message{Type: uint16(h >> 48), Flags: uint16(h >> 32), Payload: b[8 : 8+n]})
		b = b[8+n:]
	}
	return msgs, b
}

// ErrorMessage is an ErrorMessage body: code and message.
func ErrorMessage(code uint32, message string) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(code))
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendString(b, message)
}
