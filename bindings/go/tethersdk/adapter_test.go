package tethersdk_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	restate "github.com/restatedev/sdk-go"
	"github.com/restatedev/sdk-go/server"

	"tether.dev/tether"
	"tether.dev/tether/tethersdk"
	"tether.dev/tether/wire"
)

const contentType = "application/vnd.restate.invocation.v5"

// recorder sits between the adapter and the SDK and keeps every byte the SDK read.
type recorder struct {
	sdk http.Handler
	mu  sync.Mutex
	got bytes.Buffer
}

type recordingBody struct {
	io.ReadCloser
	r *recorder
}

func (b recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.r.mu.Lock()
	b.r.got.Write(p[:n])
	b.r.mu.Unlock()
	return n, err
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	req.Body = recordingBody{req.Body, r}
	r.sdk.ServeHTTP(w, req)
}

func (r *recorder) read() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte{}, r.got.Bytes()...)
}

// serve runs the real sdk-go Echo service behind the adapter on an h2c loopback server.
func serve(t *testing.T, opts ...tethersdk.Option) (string, *recorder) {
	t.Helper()
	svc := restate.NewService("Echo").
		Handler("echo", restate.NewServiceHandler(func(ctx restate.Context, in []byte) ([]byte, error) {
			return in, nil
		}, restate.WithBinary)).
		Handler("big", restate.NewServiceHandler(func(ctx restate.Context, in []byte) ([]byte, error) {
			var n int
			fmt.Sscan(string(in), &n)
			return make([]byte, n), nil
		}, restate.WithBinary))
	sdk, err := server.NewRestate().Bind(svc).Handler()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{sdk: sdk}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: tethersdk.Wrap(rec, opts...), Protocols: &protocols}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), rec
}

func client() *http.Client {
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &protocols}}
}

// call is one full-duplex invocation stream: the request body is a pipe the test
// writes to, the response is read frame by frame.
type call struct {
	t    *testing.T
	w    *io.PipeWriter
	resp *http.Response
	done chan error
	got  bool // the response headers were read
}

func invoke(t *testing.T, url, handler, extensions string) *call {
	t.Helper()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, url+"/invoke/Echo/"+handler, pr)
	req.Header.Set("content-type", contentType)
	if extensions != "" {
		req.Header.Set(tether.ExtensionsHeader, extensions)
	}
	c := &call{t: t, w: pw}
	done := make(chan error, 1)
	go func() {
		resp, err := client().Do(req)
		c.resp = resp
		done <- err
	}()
	if extensions != "" {
		// The adapter answers a negotiating runtime before the SDK has its input.
		c.send(wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv_1", 1)))
	}
	c.done = done
	return c
}

func (c *call) send(b []byte) {
	c.t.Helper()
	if _, err := c.w.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

func (c *call) response() *http.Response {
	c.t.Helper()
	if !c.got {
		select {
		case err := <-c.done:
			if err != nil {
				c.t.Fatal(err)
			}
			c.got = true
		case <-time.After(10 * time.Second):
			c.t.Fatal("no response headers")
		}
	}
	return c.resp
}

// next reads one frame of the response.
func (c *call) next() wire.Message {
	c.t.Helper()
	var h [8]byte
	if _, err := io.ReadFull(c.response().Body, h[:]); err != nil {
		c.t.Fatalf("reading a frame header: %v", err)
	}
	v := binary.BigEndian.Uint64(h[:])
	payload := make([]byte, uint32(v))
	if _, err := io.ReadFull(c.resp.Body, payload); err != nil {
		c.t.Fatalf("reading a frame payload: %v", err)
	}
	return wire.Message{Type: uint16(v >> 48), Flags: uint16(v >> 32), Payload: payload}
}

// until reads frames up to one of type typ.
func (c *call) until(typ uint16) (seen []wire.Message) {
	c.t.Helper()
	for {
		m := c.next()
		seen = append(seen, m)
		if m.Type == typ {
			return seen
		}
	}
}

func (c *call) close() { c.w.Close() }

func output(t *testing.T, msgs []wire.Message) wire.Output {
	t.Helper()
	for _, m := range msgs {
		if m.Type == wire.OutputCommand {
			o, err := wire.ParseOutput(m.Payload)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
	}
	t.Fatalf("no OutputCommand in %d frames", len(msgs))
	return wire.Output{}
}

func TestEchoWithPingsFullDuplex(t *testing.T) {
	url, _ := serve(t)
	c := invoke(t, url, "echo", "ping/1, chunked/1")
	defer c.close()
	if got := c.response().Header.Get(tether.ExtensionsHeader); got != "ping/1, chunked/1" {
		t.Fatalf("accepted %q", got)
	}
	// A Ping before the Input: answered while the SDK still waits for its journal.
	c.send(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("before"))))
	if m := c.next(); m.Type != wire.Pong {
		t.Fatalf("frame %x, want a Pong", m.Type)
	} else if n, _ := wire.ParseNonce(m.Payload); string(n) != "before" {
		t.Fatalf("nonce %q", n)
	}
	// The Ping after the Input goes in the same write, so the adapter has it before the
	// SDK can end: a Ping still in flight when End is queued is legitimately unanswered
	// (the prober counts it cancelled), which made two separate writes a race.
	in := wire.Frame(wire.InputCommand, 0, wire.InputMessage([]byte("hello sdk-go")))
	c.send(append(in, wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("after")))...))
	msgs := c.until(wire.End)
	if o := output(t, msgs); string(o.Value) != "hello sdk-go" {
		t.Fatalf("output %+v", o)
	}
	pongs := 0
	for _, m := range msgs {
		if m.Type == wire.Pong {
			pongs++
		}
	}
	if pongs != 1 {
		t.Fatalf("%d Pongs for the Ping after the Input, frames %v", pongs, msgs)
	}
}

func TestStockRuntimeIsTransparent(t *testing.T) {
	url, rec := serve(t)
	c := invoke(t, url, "echo", "")
	defer c.close()
	in := wire.Invocation([]byte("plain"))
	c.send(in)
	if got := c.response().Header.Get(tether.ExtensionsHeader); got != "" {
		t.Fatalf("answered an extension nobody offered: %q", got)
	}
	if o := output(t, c.until(wire.End)); string(o.Value) != "plain" {
		t.Fatalf("output %+v", o)
	}
	if !bytes.HasPrefix(rec.read(), in) {
		t.Fatal("the SDK did not read the request bytes unchanged")
	}
}

func TestOversizeOutputBecomes413(t *testing.T) {
	url, _ := serve(t, tethersdk.MaxOutputSize(1<<20))
	c := invoke(t, url, "big", "")
	defer c.close()
	started := time.Now()
	c.send(wire.Invocation([]byte("2000000")))
	msgs := c.until(wire.End)
	o := output(t, msgs)
	if o.FailureCode != 413 || !strings.Contains(o.FailureMessage, "1048576") {
		t.Fatalf("output %+v", o)
	}
	if rest, _ := io.ReadAll(c.resp.Body); len(rest) != 0 {
		t.Fatalf("%d bytes after End", len(rest))
	}
	t.Logf("413 after %v", time.Since(started))
}

func TestMalformedInputIs571AndTheSDKSeesNone(t *testing.T) {
	url, rec := serve(t)
	c := invoke(t, url, "echo", "") // nothing negotiated: a Ping is a protocol error
	defer c.close()
	start := wire.Frame(wire.Start, 0, wire.StartMessage([]byte("id"), "inv_1", 1))
	c.send(start)
	// Once the SDK has read the Start, the Ping follows (sent together, the Ping would
	// fail the stream before the Start was handed over, and the SDK would read nothing).
	for deadline := time.Now().Add(10 * time.Second); len(rec.read()) < len(start); {
		if time.Now().After(deadline) {
			t.Fatalf("the SDK read %d bytes of the Start", len(rec.read()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.send(wire.Frame(wire.Ping, 0, wire.NonceMessage([]byte("n"))))
	m := c.next()
	code, msg, err := wire.ParseError(m.Payload)
	if m.Type != wire.Error || err != nil || code != 571 || !strings.Contains(msg, "ping/1") {
		t.Fatalf("frame %x: %d %q %v", m.Type, code, msg, err)
	}
	if got := rec.read(); !bytes.Equal(got, start) {
		t.Fatalf("the SDK read %d bytes, want only the %d of Start", len(got), len(start))
	}
	if c.resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", c.resp.StatusCode)
	}
}

func TestBadOfferIs400AndDiscoveryPassesThrough(t *testing.T) {
	url, _ := serve(t)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/invoke/Echo/echo", nil)
	req.Header.Set("content-type", contentType)
	req.Header.Set(tether.ExtensionsHeader, "ping/1, (bad)")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), tether.ExtensionsHeader) {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodGet, url+"/discover", nil)
	req.Header.Set("accept", "application/vnd.restate.endpointmanifest.v3+json")
	resp, err = client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"Echo"`) {
		t.Fatalf("discovery through the adapter: %d %q", resp.StatusCode, body)
	}
}

// A version tether reads but the SDK does not advertise (sdk-go v1.2.0: V5..V7) gets
// 415 naming both (sdk-go itself would fail the stream with 571).
func TestVersionTheSDKDoesNotServeIsItsOwn415(t *testing.T) {
	url, _ := serve(t)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/invoke/Echo/echo", nil)
	req.Header.Set("content-type", "application/vnd.restate.invocation.v8")
	req.Header.Set(tether.ExtensionsHeader, "ping/1, chunked/1")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(body), "V8") ||
		!strings.Contains(string(body), "V7") || resp.Header.Get(tether.ExtensionsHeader) != "" {
		t.Fatalf("V8 through the adapter: %d %q, extensions %q", resp.StatusCode, body, resp.Header.Get(tether.ExtensionsHeader))
	}
}
