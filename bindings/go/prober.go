package tether

/*
#include <stdint.h>
#include <stdlib.h>
#include <tether.h>
void tether_go_set_state_callback(tether_prober_options *options, uintptr_t id);
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"
)

// ProbeSelection says which streams of a deployment a round pings.
type ProbeSelection int

const (
	ProbeOnePerDeployment ProbeSelection = C.TETHER_PROBE_ONE_PER_DEPLOYMENT
	ProbeSample           ProbeSelection = C.TETHER_PROBE_SAMPLE
	ProbeAll              ProbeSelection = C.TETHER_PROBE_ALL
)

// DeploymentState is a deployment's classification.
type DeploymentState int

const (
	DeploymentHealthy   DeploymentState = C.TETHER_DEPLOYMENT_HEALTHY
	DeploymentDegraded  DeploymentState = C.TETHER_DEPLOYMENT_DEGRADED
	DeploymentCongested DeploymentState = C.TETHER_DEPLOYMENT_CONGESTED
)

func (s DeploymentState) String() string {
	return C.GoString(C.tether_deployment_state_name(C.tether_deployment_state(s)))
}

// StateChange is a deployment's move from one state to another, with the window's figures.
type StateChange struct {
	Deployment                    string
	From, To                      DeploymentState
	AtNs                          uint64
	WindowSamples, WindowTimeouts uint64
	TimeoutRatio                  float64
	QuantileNs                    uint64
	P50Ns, P90Ns, P99Ns, MaxNs    uint64
}

// ProberOptions configure a Prober; zero fields take the defaults of tether.h.
type ProberOptions struct {
	Selection             ProbeSelection
	SampleSize            uint32
	IntervalNs            uint64
	SuspectIntervalNs     uint64
	PongTimeoutNs         uint64
	WindowNs              uint64
	WindowMaxSamples      uint32
	MinSamples            uint32
	Quantile              float64
	DegradedRTTNs         uint64
	CongestedRTTNs        uint64
	DegradedTimeoutRatio  float64
	CongestedTimeoutRatio float64
	ExitFraction          float64
	EscalateAfter         uint32
	RecoverAfter          uint32
	MaxStreams            uint32
	MaxDeployments        uint32
	// Called after the Poll or OnPong call in which the change happened returned, on
	// the caller's goroutine; it may call the Prober.
	OnStateChange func(StateChange)
}

// Ping is a Ping frame to write on a stream (a copy).
type Ping struct {
	Stream uint64
	Frame  []byte
}

// RTTSummary are RTT figures since the prober was created (timeouts included).
type RTTSummary struct {
	Count, Timeouts, SumNs            uint64
	MinNs, P50Ns, P90Ns, P99Ns, MaxNs uint64
}

// ProberStats are the prober's counters.
type ProberStats struct {
	PingsSent, PongsMatched, PongsUnexpected, Timeouts uint64
	Streams, Deployments, Outstanding                  uint64
}

// Prober is the runtime side of Ping/Pong (tether_prober): sans-I/O and
// clock-injected, every time argument a monotonic nanosecond count.
type Prober struct {
	mu         sync.Mutex
	p          *C.tether_prober
	id         cgo.Handle     // what C holds in user_data
	changesPtr *[]StateChange // filled by the C callback during a call
	onChange   func(StateChange)
	cleanup    runtime.Cleanup
}

// proberRef is what the cgo.Handle holds: the Prober's change queue, not the Prober,
// so the handle does not keep the Prober reachable (its finalizer can still run).
type proberRef struct{ changes *[]StateChange }

//export tetherGoProberStateChange
func tetherGoProberStateChange(c *C.tether_prober_state_change, id C.uintptr_t) {
	ref := cgo.Handle(id).Value().(proberRef)
	*ref.changes = append(*ref.changes, StateChange{
		Deployment: C.GoString(c.deployment), From: DeploymentState(c.from), To: DeploymentState(c.to),
		AtNs: uint64(c.at_ns), WindowSamples: uint64(c.window_samples), WindowTimeouts: uint64(c.window_timeouts),
		TimeoutRatio: float64(c.timeout_ratio), QuantileNs: uint64(c.quantile_ns),
		P50Ns: uint64(c.p50_ns), P90Ns: uint64(c.p90_ns), P99Ns: uint64(c.p99_ns), MaxNs: uint64(c.max_ns),
	})
}

// NewProber creates a prober; nil options are the defaults. Options out of range
// return ErrInvalidArgument naming the field.
func NewProber(o *ProberOptions) (*Prober, error) {
	var c C.tether_prober_options
	C.tether_prober_options_init_sized(&c, C.sizeof_tether_prober_options)
	if o == nil {
		o = &ProberOptions{}
	}
	c.selection = C.tether_probe_selection(o.Selection)
	setU32 := func(dst *C.uint32_t, v uint32) {
		if v != 0 {
			*dst = C.uint32_t(v)
		}
	}
	setU64 := func(dst *C.uint64_t, v uint64) {
		if v != 0 {
			*dst = C.uint64_t(v)
		}
	}
	setF := func(dst *C.double, v float64) {
		if v != 0 {
			*dst = C.double(v)
		}
	}
	setU32(&c.sample_size, o.SampleSize)
	setU64(&c.interval_ns, o.IntervalNs)
	setU64(&c.suspect_interval_ns, o.SuspectIntervalNs)
	setU64(&c.pong_timeout_ns, o.PongTimeoutNs)
	setU64(&c.window_ns, o.WindowNs)
	setU32(&c.window_max_samples, o.WindowMaxSamples)
	setU32(&c.min_samples, o.MinSamples)
	setF(&c.quantile, o.Quantile)
	setU64(&c.degraded_rtt_ns, o.DegradedRTTNs)
	setU64(&c.congested_rtt_ns, o.CongestedRTTNs)
	setF(&c.degraded_timeout_ratio, o.DegradedTimeoutRatio)
	setF(&c.congested_timeout_ratio, o.CongestedTimeoutRatio)
	setF(&c.exit_fraction, o.ExitFraction)
	setU32(&c.escalate_after, o.EscalateAfter)
	setU32(&c.recover_after, o.RecoverAfter)
	setU32(&c.max_streams, o.MaxStreams)
	setU32(&c.max_deployments, o.MaxDeployments)
	var problem *C.char
	if st := C.tether_prober_options_check(&c, &problem); st != C.TETHER_OK {
		return nil, errorOf(st, problem)
	}
	queue := new([]StateChange)
	pr := &Prober{onChange: o.OnStateChange, changesPtr: queue}
	if o.OnStateChange != nil {
		pr.id = cgo.NewHandle(proberRef{changes: queue})
		C.tether_go_set_state_callback(&c, C.uintptr_t(pr.id))
	}
	var p *C.tether_prober
	if st := C.tether_prober_new(&c, &p); st != C.TETHER_OK {
		if pr.id != 0 {
			pr.id.Delete()
		}
		return nil, errorOf(st, nil)
	}
	pr.p = p
	id := pr.id
	pr.cleanup = track(pr, unsafe.Pointer(p), func(p unsafe.Pointer) {
		freeProber(p)
		if id != 0 {
			id.Delete()
		}
	})
	return pr, nil
}

// Close frees the prober. Idempotent.
func (p *Prober) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p != nil {
		release(p.cleanup, unsafe.Pointer(p.p), freeProber)
		p.p = nil
		if p.id != 0 {
			p.id.Delete()
		}
	}
	return nil
}

func (p *Prober) err(st C.tether_status) error {
	if st == C.TETHER_OK {
		return nil // (the last error is fetched only on failure: one C call fewer)
	}
	return errorOf(st, C.tether_prober_last_error(p.p))
}

// call runs f under the lock, then hands the state changes it caused to OnStateChange
// with the lock released.
func (p *Prober) call(f func() error) error {
	p.mu.Lock()
	if p.p == nil {
		p.mu.Unlock()
		return closedError("prober")
	}
	err := f()
	changes := *p.changesPtr
	*p.changesPtr = nil
	p.mu.Unlock()
	for _, c := range changes {
		p.onChange(c)
	}
	return err
}

// deploymentName is a NUL-terminated copy of a deployment id (freed by the caller).
func deploymentName(deployment string) (*C.char, error) {
	if deployment == "" || len(deployment) > 255 || strings.IndexByte(deployment, 0) >= 0 {
		return nil, usage(StatusInvalidArgument, "deployment id must be 1..255 bytes without NUL, got "+quote(deployment))
	}
	return C.CString(deployment), nil
}

// AddStream declares a stream of a deployment; its first Ping goes out at the
// deployment's next round.
func (p *Prober) AddStream(stream uint64, deployment string, nowNs uint64) error {
	name, err := deploymentName(deployment)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(name))
	return p.call(func() error {
		return p.err(C.tether_prober_add_stream(p.p, C.uint64_t(stream), name, C.uint64_t(nowNs)))
	})
}

// RemoveStream forgets a stream and its outstanding Ping.
func (p *Prober) RemoveStream(stream uint64) error {
	return p.call(func() error { return p.err(C.tether_prober_remove_stream(p.p, C.uint64_t(stream))) })
}

// Poll expires overdue Pings and returns the Pings due now and the time of the next
// deadline (math.MaxUint64: none).
func (p *Prober) Poll(nowNs uint64) (pings []Ping, nextDeadlineNs uint64, err error) {
	err = p.call(func() error {
		var out *C.tether_ping
		var count C.size_t
		var next C.uint64_t
		if err := p.err(C.tether_prober_poll(p.p, C.uint64_t(nowNs), &out, &count, &next)); err != nil {
			return err
		}
		for _, ping := range unsafeSlice(out, count) {
			pings = append(pings, Ping{Stream: uint64(ping.stream), Frame: goBytes(ping.frame, ping.length)})
		}
		nextDeadlineNs = uint64(next)
		return nil
	})
	return pings, nextDeadlineNs, err
}

// OnPong hands back a Pong's nonce read on a stream.
func (p *Prober) OnPong(stream uint64, nonce []byte, nowNs uint64) error {
	return p.call(func() error {
		return p.err(C.tether_prober_on_pong(p.p, C.uint64_t(stream), cBytes(nonce), C.size_t(len(nonce)), C.uint64_t(nowNs)))
	})
}

// OnPongMessage hands back a Pong frame's payload; ErrBadMessage if it is not one.
func (p *Prober) OnPongMessage(stream uint64, payload []byte, nowNs uint64) error {
	return p.call(func() error {
		return p.err(C.tether_prober_on_pong_message(p.p, C.uint64_t(stream), cBytes(payload), C.size_t(len(payload)), C.uint64_t(nowNs)))
	})
}

// State is a deployment's classification.
func (p *Prober) State(deployment string) (DeploymentState, error) {
	name, err := deploymentName(deployment)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(name))
	var s C.tether_deployment_state
	err = p.call(func() error { return p.err(C.tether_prober_state(p.p, name, &s)) })
	return DeploymentState(s), err
}

// Summary is a deployment's RTT summary; deployment "" merges every deployment.
func (p *Prober) Summary(deployment string) (RTTSummary, error) {
	var name *C.char
	if deployment != "" {
		var err error
		if name, err = deploymentName(deployment); err != nil {
			return RTTSummary{}, err
		}
		defer C.free(unsafe.Pointer(name))
	}
	var s C.tether_rtt_summary
	s.struct_size = C.sizeof_tether_rtt_summary
	err := p.call(func() error { return p.err(C.tether_prober_summary(p.p, name, &s)) })
	return RTTSummary{
		Count: uint64(s.count), Timeouts: uint64(s.timeouts), SumNs: uint64(s.sum_ns),
		MinNs: uint64(s.min_ns), P50Ns: uint64(s.p50_ns), P90Ns: uint64(s.p90_ns),
		P99Ns: uint64(s.p99_ns), MaxNs: uint64(s.max_ns),
	}, err
}

// Stats returns the prober's counters.
func (p *Prober) Stats() (ProberStats, error) {
	var s C.tether_prober_stats
	s.struct_size = C.sizeof_tether_prober_stats
	err := p.call(func() error { return p.err(C.tether_prober_stats_get(p.p, &s)) })
	return ProberStats{
		PingsSent: uint64(s.pings_sent), PongsMatched: uint64(s.pongs_matched),
		PongsUnexpected: uint64(s.pongs_unexpected), Timeouts: uint64(s.timeouts),
		Streams: uint64(s.streams), Deployments: uint64(s.deployments), Outstanding: uint64(s.outstanding),
	}, err
}

// Prometheus is the prober's metrics in the Prometheus text format.
func (p *Prober) Prometheus() (string, error) {
	var text string
	err := p.call(func() error {
		var t *C.char
		var n C.size_t
		if err := p.err(C.tether_prober_prometheus(p.p, &t, &n)); err != nil {
			return err
		}
		text = goString(t, n)
		return nil
	})
	return text, err
}

func freeProber(p unsafe.Pointer) { C.tether_prober_free((*C.tether_prober)(p)) }
