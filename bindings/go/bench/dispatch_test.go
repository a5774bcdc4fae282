// Package bench measures the Go binding against the same loops through the C API, in
// one run: Ping turnaround (feed a Ping, dispatch it, take the Pong) and 1 KiB
// dispatch (feed a 1 KiB InputCommand, dispatch it; Go copies the payload out), each
// through the three calls (Feed, NextEventInto, AppendOutput: a cgo crossing each) and
// through Session.Step (all in one crossing). The C peer is bench/python/dispatch_loop.c,
// compiled here against the same libtether.
//
//	go test -run '^$' -bench . ./bench
package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

const targetRatio = 3.0 // the Go binding's goal: at most 3x C

var (
	cOnce    sync.Once
	cFigures map[string]float64
	cErr     error
)

// cLoop builds and runs the C peer once: "ping NS" and "message NS" per operation.
func cLoop(b *testing.B) map[string]float64 {
	cOnce.Do(func() {
		_, here, _, _ := runtime.Caller(0)
		src := filepath.Join(filepath.Dir(here), "..", "..", "..", "bench", "python", "dispatch_loop.c")
		exe := filepath.Join(b.TempDir(), "dispatch_loop")
		flags, err := exec.Command("pkg-config", "--cflags", "--libs", "tether").Output()
		if err != nil {
			cErr = fmt.Errorf("pkg-config tether: %v (PKG_CONFIG_PATH=build/capi)", err)
			return
		}
		args := append([]string{"-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", src, "-o", exe}, strings.Fields(string(flags))...)
		if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
			cErr = fmt.Errorf("cc: %v\n%s", err, out)
			return
		}
		out, err := exec.Command(exe, "101", "1000").Output()
		if err != nil {
			cErr = fmt.Errorf("%s: %v", exe, err)
			return
		}
		cFigures = map[string]float64{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[1], 64)
			cFigures[f[0]] = v
		}
	})
	if cErr != nil {
		b.Fatal(cErr)
	}
	return cFigures
}

// started is a session past its Start, with ping/1 active (as the C peer's).
func started(b *testing.B) *tether.Session {
	s, err := tether.NewSession(&tether.SessionOptions{Extensions: tether.ExtPing})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Feed(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("inv"), "inv", 1))); err != nil {
		b.Fatal(err)
	}
	for {
		_, ok, err := s.NextEvent()
		if err != nil {
			b.Fatal(err)
		}
		if !ok {
			return s
		}
	}
}

// last holds each benchmark's figures from its final (largest) run, printed by TestMain.
var last = map[string][2]float64{}

func report(b *testing.B, name string) {
	goNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	cNs := cLoop(b)[strings.Split(name, "-")[0]]
	b.ReportMetric(cNs, "C-ns/op")
	b.ReportMetric(goNs/cNs, "x-C")
	last[name] = [2]float64{goNs, cNs}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, name := range []string{"ping", "ping-step", "message", "message-step", "message-alloc"} {
		f, ok := last[name]
		if !ok {
			continue
		}
		verdict := "met"
		if f[0]/f[1] > targetRatio {
			verdict = "NOT met"
		}
		fmt.Printf("%-14s Go %6.0f ns/op   C %6.0f ns/op   ratio %.2fx (target <= %.0fx: %s)\n",
			name, f[0], f[1], f[0]/f[1], targetRatio, verdict)
	}
	os.Exit(code)
}

func BenchmarkPingTurnaround(b *testing.B) {
	cLoop(b)
	s := started(b)
	defer s.Close()
	ping := wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("nonce-01")))
	var out, nonce []byte // the transport's and the dispatch loop's buffers, reused
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Feed(ping); err != nil {
			b.Fatal(err)
		}
		ev, _, err := s.NextEventInto(nonce)
		if err != nil {
			b.Fatal(err)
		}
		nonce = ev.Data
		if out = s.AppendOutput(out[:0], 0); len(out) == 0 {
			b.Fatal("no Pong")
		}
	}
	b.StopTimer()
	report(b, "ping")
}

func BenchmarkDispatch1KiB(b *testing.B) {
	cLoop(b)
	s := started(b)
	defer s.Close()
	// InputCommandMessage{value{content: 1018 bytes}}: a 1024-byte body, as the C peer's.
	body := wire.InputMessage(bytes.Repeat([]byte("m"), 1018))
	if len(body) != 1024 {
		b.Fatalf("body is %d bytes", len(body))
	}
	frame := wire.Frame(wire.InputCommand, 0, body)
	var buf []byte // the dispatch loop's buffer, reused (NextEvent would allocate each time)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Feed(frame); err != nil {
			b.Fatal(err)
		}
		ev, ok, err := s.NextEventInto(buf)
		if err != nil || !ok || len(ev.Data) != 1024 {
			b.Fatal("dispatch:", ok, err)
		}
		buf = ev.Data
	}
	b.StopTimer()
	report(b, "message")
}

// The same with NextEvent, which hands out a new slice per message.
func BenchmarkDispatch1KiBAllocating(b *testing.B) {
	cLoop(b)
	s := started(b)
	defer s.Close()
	frame := wire.Frame(wire.InputCommand, 0, wire.InputMessage(bytes.Repeat([]byte("m"), 1018)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Feed(frame); err != nil {
			b.Fatal(err)
		}
		if ev, ok, err := s.NextEvent(); err != nil || !ok || len(ev.Data) != 1024 {
			b.Fatal("dispatch:", ok, err)
		}
	}
	b.StopTimer()
	report(b, "message-alloc")
}

// Ping turnaround through Step: feed, dispatch and take the Pong in one crossing.
func BenchmarkPingTurnaroundStep(b *testing.B) {
	cLoop(b)
	s := started(b)
	defer s.Close()
	ping := wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("nonce-01")))
	var out, nonce []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		turn, err := s.Step(ping, nonce, out[:0], 0)
		if err != nil || !turn.HasEvent || len(turn.Output) == 0 {
			b.Fatal("step:", turn.HasEvent, len(turn.Output), err)
		}
		nonce, out = turn.Event.Data, turn.Output
	}
	b.StopTimer()
	report(b, "ping-step")
}

// 1 KiB dispatch through Step (no output to take: one crossing).
func BenchmarkDispatch1KiBStep(b *testing.B) {
	cLoop(b)
	s := started(b)
	defer s.Close()
	frame := wire.Frame(wire.InputCommand, 0, wire.InputMessage(bytes.Repeat([]byte("m"), 1018)))
	var buf, out []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		turn, err := s.Step(frame, buf, out[:0], 0)
		if err != nil || !turn.HasEvent || len(turn.Event.Data) != 1024 {
			b.Fatal("step:", turn.HasEvent, err)
		}
		buf, out = turn.Event.Data, turn.Output
	}
	b.StopTimer()
	report(b, "message-step")
}
