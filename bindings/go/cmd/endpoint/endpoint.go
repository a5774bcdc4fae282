package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"tether.dev/tether"
)

const service = "Echo"

// Manifest versions this endpoint serves: the manifest below is valid in each.
const minManifest, maxManifest = 1, 4

type endpoint struct {
	maxMessage  uint64
	invocations atomic.Uint64
	open        atomic.Int64
	peakOut     atomic.Uint64 // largest queued output of one session
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/discover":
		e.discover(w, r)
	case r.URL.Path == "/stats":
		e.stats(w)
	case strings.HasPrefix(r.URL.Path, "/invoke/"):
		e.invoke(w, r)
	default:
		http.Error(w, fmt.Sprintf("no such route %s (GET /discover, POST /invoke/{service}/{handler})", r.URL.Path), http.StatusNotFound)
	}
}

var manifestType = regexp.MustCompile(`^application/vnd\.restate\.endpointmanifest\.v(\d{1,3})\+json$`)

// manifestVersion is the highest manifest version accept allows (no header: the highest).
func manifestVersion(accept string) (int, bool) {
	if strings.TrimSpace(accept) == "" {
		return maxManifest, true
	}
	best := 0
	for _, item := range strings.Split(accept, ",") {
		item = strings.TrimSpace(strings.SplitN(item, ";", 2)[0])
		if item == "*/*" || item == "application/*" {
			return maxManifest, true
		}
		if m := manifestType.FindStringSubmatch(item); m != nil {
			if v, _ := strconv.Atoi(m[1]); v >= minManifest && v <= maxManifest && v > best {
				best = v
			}
		}
	}
	return best, best != 0
}

func (e *endpoint) discover(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "/discover takes GET, not "+r.Method, http.StatusMethodNotAllowed)
		return
	}
	version, ok := manifestVersion(r.Header.Get("accept"))
	if !ok {
		http.Error(w, fmt.Sprintf("accept must list application/vnd.restate.endpointmanifest.vM+json with M in %d..%d, got %q",
			minManifest, maxManifest, r.Header.Get("accept")), http.StatusNotAcceptable)
		return
	}
	type handler struct {
		Name string `json:"name"`
	}
	type svc struct {
		Name     string    `json:"name"`
		Ty       string    `json:"ty"`
		Handlers []handler `json:"handlers"`
	}
	var hs []handler
	for _, name := range []string{"big", "block", "echo"} {
		hs = append(hs, handler{name})
	}
	body, _ := json.Marshal(map[string]any{
		"protocolMode":       "BIDI_STREAM",
		"minProtocolVersion": tether.ProtocolMinVersion,
		"maxProtocolVersion": tether.ProtocolMaxVersion,
		"services":           []svc{{Name: service, Ty: "SERVICE", Handlers: hs}},
	})
	w.Header().Set("content-type", fmt.Sprintf("application/vnd.restate.endpointmanifest.v%d+json", version))
	w.Write(body)
}

func (e *endpoint) stats(w http.ResponseWriter) {
	body, _ := json.Marshal(map[string]uint64{
		"invocations":           e.invocations.Load(),
		"open_invocations":      uint64(e.open.Load()),
		"peak_session_outbound": e.peakOut.Load(),
	})
	w.Header().Set("content-type", "application/json")
	w.Write(body)
}

func (e *endpoint) invoke(w http.ResponseWriter, r *http.Request) {
	svcName, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/invoke/"), "/")
	if svcName != service {
		http.Error(w, "unknown service "+svcName, http.StatusNotFound)
		return
	}
	handler, ok := handlers[name]
	if !ok {
		http.Error(w, fmt.Sprintf("service %s has no handler %s", svcName, name), http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, r.URL.Path+" takes POST, not "+r.Method, http.StatusMethodNotAllowed)
		return
	}
	contentType := r.Header.Get("content-type")
	version, err := tether.ContentTypeVersion(contentType, tether.ProtocolMaxVersion)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnsupportedMediaType)
		return
	}
	accepted, answer, err := tether.Negotiate(r.Header.Get(tether.ExtensionsHeader))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	inv, err := tether.NewInvocation(&tether.InvocationOptions{
		Session:       tether.SessionOptions{ProtocolVersion: version, Extensions: accepted, MaxMessageSize: e.maxMessage},
		MaxOutputSize: e.maxMessage,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer inv.Close()
	e.invocations.Add(1)
	e.open.Add(1)
	defer e.open.Add(-1)
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "the response cannot be flushed", http.StatusInternalServerError)
		return
	}
	if r.ProtoMajor < 2 {
		// Bidirectional streaming over HTTP/1.1 needs full duplex.
		if err := http.NewResponseController(w).EnableFullDuplex(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			log.Printf("full duplex: %v", err)
		}
	}
	w.Header().Set("content-type", contentType)
	if answer != "" {
		w.Header().Set(tether.ExtensionsHeader, answer)
	}
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	s := &stream{inv: inv, handler: handler, w: w, flusher: flusher,
		wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	s.run(r.Context(), r.Body)
	if st, err := inv.Stats(); err == nil {
		for {
			peak := e.peakOut.Load()
			if st.PeakOutboundBuffered <= peak || e.peakOut.CompareAndSwap(peak, st.PeakOutboundBuffered) {
				break
			}
		}
	}
}
