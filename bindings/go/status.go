package tether

/*
#include <tether.h>
*/
import "C"

//go:generate go run ./internal/statusgen -o status_gen.go

// Status is a tether_status code. The named codes and their Err sentinels are
// generated from tether_status_table() (status_gen.go); a test fails when they drift.
type Status int

// Family groups statuses as tether_status_family does.
type Family int

const (
	FamilyOK           Family = C.TETHER_FAMILY_OK
	FamilyBackpressure Family = C.TETHER_FAMILY_BACKPRESSURE
	FamilyLimit        Family = C.TETHER_FAMILY_LIMIT
	FamilyProtocol     Family = C.TETHER_FAMILY_PROTOCOL
	FamilyUsage        Family = C.TETHER_FAMILY_USAGE
	FamilyResource     Family = C.TETHER_FAMILY_RESOURCE
)

// StatusInfo is one row of the status table.
type StatusInfo struct {
	Code      Status
	Name      string // "TETHER_WOULD_BLOCK"
	Message   string // one sentence
	Family    Family
	Retryable bool // the same call may succeed later
	Fatal     bool // the handle that returned it accepts no more input
}

func (s Status) info() (StatusInfo, bool) {
	if s >= 0 && int(s) < len(statusTable) && statusTable[s].Code == s {
		return statusTable[s], true
	}
	return StatusInfo{}, false
}

// Name is the C name of the status ("TETHER_WOULD_BLOCK"), from the library.
func (s Status) Name() string { return C.GoString(C.tether_status_name(C.tether_status(s))) }

// String is the status's one-sentence message, from the library.
func (s Status) String() string { return C.GoString(C.tether_status_str(C.tether_status(s))) }

// Retryable says whether the same call may succeed later.
func (s Status) Retryable() bool { return C.tether_status_is_retryable(C.tether_status(s)) != 0 }

// Fatal says whether the handle that returned it accepts no more input.
func (s Status) Fatal() bool { return C.tether_status_is_fatal(C.tether_status(s)) != 0 }

// Family is the status's family (FamilyResource for a code this binding does not know).
func (s Status) Family() Family {
	if info, ok := s.info(); ok {
		return info.Family
	}
	return FamilyResource
}

// Error is the error every call returns: a status and what went wrong. It matches
// the status's sentinel with errors.Is (errors.Is(err, tether.ErrWouldBlock)).
type Error struct {
	Status  Status
	Message string // the handle's last_error, or the binding's own words; "" on sentinels
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Status.Name() + ": " + e.Status.String()
	}
	return e.Status.Name() + ": " + e.Message
}

// Is matches any *Error of the same status, so the generated sentinels work with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status
}

// Retryable says whether the same call may succeed later.
func (e *Error) Retryable() bool { return e.Status.Retryable() }

// Fatal says whether the handle that returned it accepts no more input.
func (e *Error) Fatal() bool { return e.Status.Fatal() }

// errorOf turns a status into an error (nil for TETHER_OK) with the handle's message.
func errorOf(st C.tether_status, lastError *C.char) error {
	if st == C.TETHER_OK {
		return nil
	}
	msg := ""
	if lastError != nil {
		msg = C.GoString(lastError)
	}
	return &Error{Status: Status(st), Message: msg}
}

// usage is a misuse caught by the binding before C is called.
func usage(st Status, msg string) error { return &Error{Status: st, Message: msg} }

// LibraryStatusTable is tether_status_table() of the loaded library, copied.
func LibraryStatusTable() []StatusInfo {
	var count C.size_t
	table := C.tether_status_table(&count)
	rows := unsafeSlice(table, count)
	out := make([]StatusInfo, len(rows))
	for i, r := range rows {
		out[i] = StatusInfo{
			Code:      Status(r.code),
			Name:      C.GoString(r.name),
			Message:   C.GoString(r.message),
			Family:    Family(r.family),
			Retryable: r.retryable != 0,
			Fatal:     r.fatal != 0,
		}
	}
	return out
}

// StatusTable is the table this binding was generated from (go generate).
func StatusTable() []StatusInfo { return append([]StatusInfo(nil), statusTable[:]...) }

// withDetail gives an error without a message of its own some words.
func withDetail(err error, msg string) error {
	if e, ok := err.(*Error); ok && e.Message == "" {
		return &Error{Status: e.Status, Message: msg}
	}
	return err
}
