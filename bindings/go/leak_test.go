package tether_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

func residentBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(b))[1], 10, 64)
	must(t, err)
	return pages * int64(os.Getpagesize())
}

// oneStream runs a session through Start, a Ping, Input, Output and End.
func oneStream(t *testing.T, in []byte) {
	o := negotiated()
	s, err := tether.NewSession(&o)
	must(t, err)
	feedAll(t, s, in)
	for {
		ev, ok, err := s.NextEvent()
		must(t, err)
		if !ok {
			break
		}
		if ev.Type == tether.MsgInputCommand {
			must(t, s.Send(tether.MsgOutputCommand, ev.Data))
		}
	}
	must(t, s.Send(tether.MsgEnd, nil))
	if len(s.TakeOutput(0)) == 0 {
		t.Fatal("no output")
	}
	must(t, s.Close())
}

// waitLive runs the collector until every unreachable handle was freed (cleanups run
// on their own goroutine after a GC), or fails after a few seconds.
func waitLive(t *testing.T, want int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for tether.LiveHandles() > want {
		if time.Now().After(deadline) {
			t.Fatalf("%d handles live, want %d: the finalizers did not free them", tether.LiveHandles(), want)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// 100k sessions one after the other, closed, and 100k more left to the finalizer:
// every C handle is freed, and resident memory after a second such round is what it
// was after the first (which lets the allocators reach their working size).
func TestHundredThousandSessionsWithoutGrowth(t *testing.T) {
	in := append(wire.Invocation([]byte("payload")), wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n")))...)
	const n = 100000
	base := tether.LiveHandles()
	round := func() int64 {
		for i := 0; i < n; i++ {
			oneStream(t, in)
		}
		if got := tether.LiveHandles(); got != base {
			t.Fatalf("%d handles live after %d closed sessions, want %d", got, n, base)
		}
		for i := 0; i < n; i++ { // never closed: the cleanup frees them
			if _, err := tether.NewSession(nil); err != nil {
				t.Fatal(err)
			}
			if i%5000 == 0 {
				waitLive(t, base)
			}
		}
		waitLive(t, base)
		return residentBytes(t)
	}
	first := round()
	second := round()
	t.Logf("RSS after %d sessions %.1f MiB, after %d more %.1f MiB", 2*n, float64(first)/(1<<20), 2*n, float64(second)/(1<<20))
	if raceDetector {
		t.Log("RSS not checked under the race detector (it grows its own tables); the handle count was")
	} else if second-first > 16<<20 {
		t.Fatalf("resident memory grew by %d bytes over the second %d sessions", second-first, 2*n)
	}
}

// Sessions on many goroutines at once are independent; one session shared by
// goroutines is serialized by its lock (the race detector watches both).
func TestConcurrentSessions(t *testing.T) {
	in := wire.Invocation([]byte("payload"))
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				oneStream(t, in)
			}
		}()
	}
	shared, err := tether.NewSession(nil)
	must(t, err)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if err := shared.Send(tether.MsgOutputCommand, []byte("x")); err != nil && !isBackpressureOrClosed(err) {
					t.Error(err)
				}
				shared.TakeOutput(0)
				shared.Stats()
			}
			shared.Close() // racing Close with calls is an error for the losers, not a crash
		}()
	}
	wg.Wait()
}

func isBackpressureOrClosed(err error) bool {
	te, ok := err.(*tether.Error)
	return ok && (te.Status == tether.StatusWouldBlock || te.Status == tether.StatusInvalidState)
}
