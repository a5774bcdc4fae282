// Package tethersdk puts tether in front of the official Restate Go SDK
// (github.com/restatedev/sdk-go): one line in a server that already runs it,
//
//	handler, _ := server.NewRestate().Bind(restate.Reflect(MyService{})).Handler()
//	http.Serve(listener, tethersdk.Wrap(handler)) // h2c, as the SDK's own Start does
//
// Wrap returns an http.Handler that, on each invocation stream, puts a tether
// middleware between the request body / response writer and the SDK's handler
// (PROTOCOL.md, "tether in front of an upstream SDK"): the SDK reads plain upstream
// frames (Pings answered when the SDK reads, chunks reassembled) and its output is
// size-checked before any byte is written, so a message over the runtime's limit
// becomes a terminal Failure 413 + End instead of being refused and retried forever.
// Other requests (discovery, health) go to the SDK untouched. Streaming stays full
// duplex: every SDK write is passed on and flushed at once.
package tethersdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

// Option changes what Wrap does.
type Option func(*config)

type config struct {
	maxOutput  uint64
	maxMessage uint64
	extensions tether.Extensions
	logger     *slog.Logger
}

// MaxOutputSize is the runtime's limit for one message (default 32 MiB, a Restate
// server's networking.message-size-limit).
func MaxOutputSize(n uint64) Option { return func(c *config) { c.maxOutput = n } }

// MaxMessageSize bounds one incoming (reassembled) message (default 32 MiB).
func MaxMessageSize(n uint64) Option { return func(c *config) { c.maxMessage = n } }

// Extensions is what the adapter accepts of a runtime's tether-extensions offer
// (default tether.ExtAll; 0: none, the adapter is then byte-transparent apart from
// the size limit).
func Extensions(e tether.Extensions) Option { return func(c *config) { c.extensions = e } }

// Logger receives the adapter's warnings (default slog.Default()).
func Logger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

type adapter struct {
	sdk http.Handler
	cfg config

	versionOnce sync.Once
	maxVersion  uint32 // the highest invocation protocol version the SDK serves
}

// sdkMaxVersion reads the SDK's own discovery manifest once.
func (a *adapter) sdkMaxVersion() uint32 {
	a.versionOnce.Do(func() {
		a.maxVersion = tether.ProtocolMaxVersion
		req := httptest.NewRequest(http.MethodGet, "/discover", nil)
		req.Header.Set("accept", "application/vnd.restate.endpointmanifest.v3+json")
		rec := httptest.NewRecorder()
		a.sdk.ServeHTTP(rec, req)
		var manifest struct {
			MaxProtocolVersion uint32 `json:"maxProtocolVersion"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &manifest) != nil || manifest.MaxProtocolVersion == 0 {
			a.cfg.logger.Warn("tether: the SDK's discovery gave no maxProtocolVersion; assuming tether's", "status", rec.Code)
			return
		}
		a.maxVersion = min(manifest.MaxProtocolVersion, tether.ProtocolMaxVersion)
	})
	return a.maxVersion
}

// Wrap puts tether between each invocation stream and sdk, the handler of
// server.Restate.Handler().
func Wrap(sdk http.Handler, opts ...Option) http.Handler {
	a := &adapter{sdk: sdk, cfg: config{extensions: tether.ExtAll, logger: slog.Default()}}
	for _, o := range opts {
		o(&a.cfg)
	}
	return a
}

func (a *adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/invoke/") {
		a.sdk.ServeHTTP(w, r)
		return
	}
	// A content type tether cannot read goes to the SDK as it is (it answers 415).
	version, err := tether.ContentTypeVersion(r.Header.Get("content-type"), tether.ProtocolMaxVersion)
	if err != nil {
		a.sdk.ServeHTTP(w, r)
		return
	}
	// sdk-go takes any version and fails the stream in its state machine (571): a
	// version above its manifest's gets the 415 a runtime expects.
	if max := a.sdkMaxVersion(); version > max {
		http.Error(w, fmt.Sprintf("invocation protocol V%d is not served: the SDK advertises up to V%d", version, max),
			http.StatusUnsupportedMediaType)
		return
	}
	offer := r.Header.Get(tether.ExtensionsHeader)
	accepted, err := tether.ParseExtensions(offer, a.cfg.extensions)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		a.sdk.ServeHTTP(w, r)
		return
	}
	m, err := tether.NewMiddleware(&tether.MiddlewareOptions{
		Session:       tether.SessionOptions{ProtocolVersion: version, Extensions: accepted, MaxMessageSize: a.cfg.maxMessage},
		MaxOutputSize: a.cfg.maxOutput,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer m.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s := &stream{m: m, w: w, flusher: flusher, accepted: accepted, cancel: cancel, log: a.cfg.logger}
	s.body = &body{s: s, r: r.Body}
	req := r.WithContext(ctx)
	req.Body = s.body
	req.Header = r.Header.Clone()
	req.Header.Del(tether.ExtensionsHeader) // the SDK sees a plain upstream stream
	if accepted != 0 {
		// A runtime that negotiated may Ping before it sent Input (it waits for these
		// headers first), while the SDK answers only once its journal is ready: the
		// adapter commits the 200 itself.
		s.writeHeader(http.StatusOK, r.Header.Get("content-type"))
		s.flusher.Flush()
	}
	a.sdk.ServeHTTP(s, req)
	s.end()
}

// stream is one invocation's state, shared by the SDK's reader (body) and writer
// (stream itself, the http.ResponseWriter the SDK gets).
type stream struct {
	m        *tether.Middleware
	w        http.ResponseWriter
	flusher  http.Flusher
	body     *body
	accepted tether.Extensions
	cancel   context.CancelFunc
	log      *slog.Logger

	done atomic.Bool // the response is over (571 or 413 written): the SDK reads EOF

	wmu         sync.Mutex // orders writes to w; guards the fields below
	headersSent bool
	stopped     bool // the response is over: the SDK's output is dropped
	plain       bool // the SDK answered a non-200 status itself: its body is not frames
	status      int  // a non-200 status the SDK asked for after the adapter's early 200
	out         []byte
}

// writeHeader sets the response headers once; wmu held or not needed yet. They leave
// with the first flush, as the SDK's own headers do (it flushes after writes only).
func (s *stream) writeHeader(code int, contentType string) {
	if s.headersSent {
		return
	}
	s.headersSent = true
	if code == http.StatusOK {
		if contentType != "" && s.w.Header().Get("content-type") == "" {
			s.w.Header().Set("content-type", contentType)
		}
		if s.accepted != 0 {
			s.w.Header().Set(tether.ExtensionsHeader, s.accepted.String())
		}
	}
	s.plain = code != http.StatusOK
	s.w.WriteHeader(code)
}

// flushLocked writes every output byte the middleware has queued (wrote: there was
// some); wmu must be held. One buffer per stream carries the pieces.
func (s *stream) flushLocked() (wrote bool, err error) {
	for {
		s.out = s.m.AppendOutput(s.out[:0], 256<<10)
		if len(s.out) == 0 {
			return wrote, nil
		}
		if !s.headersSent {
			s.writeHeader(http.StatusOK, "")
		}
		if _, err := s.w.Write(s.out); err != nil {
			return wrote, err
		}
		s.flusher.Flush()
		wrote = true
	}
}

func (s *stream) flush() (bool, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.flushLocked()
}

// stop ends the SDK's part: what it queued (the 571 or the 413 + End) is written,
// the SDK's later output is dropped and its context cancelled.
func (s *stream) stop() {
	s.done.Store(true)
	s.wmu.Lock()
	s.stopped = true
	if _, err := s.flushLocked(); err != nil {
		s.log.Debug("tether: write after stop", "err", err)
	}
	s.wmu.Unlock()
	s.cancel()
	// Wakes the SDK's input goroutine if it waits in a read of the request: the SDK
	// then drains at once instead of waiting for the runtime to end its side.
	s.body.r.Close()
}

// Header is the response's header map (the SDK adds its own before writing).
func (s *stream) Header() http.Header { return s.w.Header() }

// WriteHeader passes the SDK's status on, unless the adapter already sent the 200:
// then a failure status becomes an ErrorMessage on the stream, so the runtime still
// gets a clear answer (and retries, as it would on that status).
func (s *stream) WriteHeader(code int) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.stopped {
		return
	}
	if !s.headersSent {
		s.writeHeader(code, "")
		return
	}
	if code != http.StatusOK && s.status == 0 {
		s.status = code
	}
}

// Write takes the SDK's output: size-checked and chunked by the middleware, then
// written and flushed at once (full duplex).
func (s *stream) Write(data []byte) (int, error) {
	s.wmu.Lock()
	if s.stopped || s.status != 0 {
		s.wmu.Unlock()
		return len(data), nil // the stream already ended, or the SDK refused it: dropped
	}
	if !s.headersSent {
		s.writeHeader(http.StatusOK, "")
	}
	if s.plain { // an error body of the SDK's own, e.g. a 415 text
		n, err := s.w.Write(data)
		s.wmu.Unlock()
		return n, err
	}
	rest := data
	for {
		n, err := s.m.SDKOutput(rest)
		rest = rest[n:]
		switch {
		case errors.Is(err, tether.ErrWouldBlock):
			// At the high watermark: write, then go on with the rest (or retry the
			// frame taken whole, with nothing).
			if _, err := s.flushLocked(); err != nil {
				s.wmu.Unlock()
				return len(data) - len(rest), err
			}
			continue
		case errors.Is(err, tether.ErrMessageTooLarge):
			s.wmu.Unlock()
			s.log.Warn("tether: SDK output over the runtime's limit, replaced by a terminal failure", "err", err)
			s.stop()
			return len(data), nil
		case err != nil:
			s.wmu.Unlock()
			s.log.Warn("tether: SDK output refused", "err", err)
			s.stop()
			return len(data) - len(rest), err
		}
		if len(rest) == 0 {
			break
		}
	}
	_, err := s.flushLocked()
	s.wmu.Unlock()
	return len(data), err
}

// Flush sends what the SDK wrote itself (headers, a plain error body); frames are
// flushed by Write already.
func (s *stream) Flush() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.headersSent && !s.stopped {
		s.flusher.Flush()
	}
}

// end runs after the SDK's handler returned.
func (s *stream) end() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.stopped || s.plain {
		return
	}
	if s.status != 0 {
		// The SDK refused the stream after the adapter's 200: say so in the stream.
		msg := fmt.Sprintf("the SDK answered HTTP %d before the invocation began", s.status)
		if _, err := s.m.SDKOutput(wire.Frame(wire.Error, 0, wire.ErrorMessage(500, msg))); err != nil {
			s.log.Warn("tether: cannot report the SDK's status", "err", err)
		}
	}
	for {
		err := s.m.SDKOutputEnd()
		if errors.Is(err, tether.ErrWouldBlock) { // a frame waits for room: write, retry it
			if _, err := s.flushLocked(); err != nil {
				return
			}
			s.m.SDKOutput(nil)
			continue
		}
		if err != nil {
			s.log.Warn("tether: the SDK's output ended inside a frame", "err", err)
		}
		break
	}
	if _, err := s.flushLocked(); err != nil {
		s.log.Debug("tether: final write", "err", err)
	}
}

// body is the request body the SDK reads: plain upstream frames out of the
// middleware. Reading is the SDK's own input loop, so Pongs are produced there.
type body struct {
	s        *stream
	r        io.ReadCloser
	pending  []byte // frames taken from the middleware, not yet read by the SDK
	raw      []byte // request bytes not yet fed (the middleware's budget was full)
	buf      []byte
	eof      bool  // the request body ended
	finished bool  // FinishInput was called
	err      error // what every later Read returns
}

func (b *body) Read(p []byte) (int, error) {
	for {
		if len(b.pending) > 0 {
			n := copy(p, b.pending)
			b.pending = b.pending[n:]
			return n, nil
		}
		if b.err != nil {
			return 0, b.err
		}
		if b.s.done.Load() {
			return 0, io.EOF // the adapter ended the stream: the SDK is stopped
		}
		in, err := b.s.m.TakeSDKInput()
		wrote, ferr := b.s.flush() // Pongs
		if ferr != nil && err == nil {
			err = ferr
		}
		switch {
		case errors.Is(err, tether.ErrClosed):
			b.err = io.EOF
			continue
		case err != nil:
			// Malformed input: the 571 is queued; the SDK gets nothing more.
			b.s.log.Warn("tether: stream failed", "err", err)
			b.err = io.ErrUnexpectedEOF
			b.s.stop()
			continue
		case len(in) > 0:
			b.pending = in
			continue
		case wrote:
			continue // a Pong may have waited for output to be taken: dispatch again
		case b.finished:
			// Input ended and nothing is left, yet the middleware is not CLOSED.
			b.err = io.ErrUnexpectedEOF
			continue
		}
		if err := b.fill(); err != nil {
			b.err = err
		}
	}
}

// readBuffers holds the request read buffers: a fresh 64 KiB one per invocation was
// a tenth of the adapter's cost under h2load (zeroing and GC).
var readBuffers = sync.Pool{New: func() any { return new([64 << 10]byte) }}

// fill feeds the middleware: unfed bytes first, else a read from the request.
func (b *body) fill() error {
	if len(b.raw) == 0 && !b.eof {
		if b.buf == nil {
			b.buf = readBuffers.Get().(*[64 << 10]byte)[:]
		}
		n, err := b.r.Read(b.buf)
		b.raw = b.buf[:n]
		if err == io.EOF {
			b.eof = true
		} else if err != nil {
			return err
		}
	}
	n, err := b.s.m.Feed(b.raw)
	b.raw = b.raw[n:]
	if b.eof && len(b.raw) == 0 && b.buf != nil {
		// Nothing more is read into it (only the SDK's reader, one Read at a time, gets here).
		readBuffers.Put((*[64 << 10]byte)(b.buf))
		b.buf, b.raw = nil, nil
	}
	if err != nil && !errors.Is(err, tether.ErrWouldBlock) {
		return nil // the stream failed: TakeSDKInput reports it
	}
	if b.eof && len(b.raw) == 0 && !b.finished {
		b.finished = true
		if err := b.s.m.FinishInput(); err != nil {
			b.s.log.Warn("tether: request ended badly", "err", err)
		}
	}
	return nil
}

func (b *body) Close() error { return b.r.Close() }
