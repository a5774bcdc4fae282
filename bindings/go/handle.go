package tether

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// live counts C handles created and not yet freed.
var live atomic.Int64

// LiveHandles is the number of handles created and not yet freed, by Close or by the
// finalizer of one that became unreachable: a leak shows here.
func LiveHandles() int64 { return live.Load() }

// track arranges for free(p) to run once h is unreachable, unless release ran first.
// (C pointers cross as unsafe.Pointer: cgo's incomplete types cannot be type arguments.)
func track[H any](h *H, p unsafe.Pointer, free func(unsafe.Pointer)) runtime.Cleanup {
	live.Add(1)
	return runtime.AddCleanup(h, func(p unsafe.Pointer) {
		free(p)
		live.Add(-1)
	}, p)
}

// release frees p now (Close) and cancels the cleanup.
func release(c runtime.Cleanup, p unsafe.Pointer, free func(unsafe.Pointer)) {
	c.Stop()
	free(p)
	live.Add(-1)
}

// closedError is what a call on a closed handle returns.
func closedError(what string) error {
	return usage(StatusInvalidState, what+" is closed")
}
