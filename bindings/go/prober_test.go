package tether_test

import (
	"strings"
	"testing"

	"tether.dev/tether"
	"tether.dev/tether/wire"
)

func TestProberPingsMatchesAndClassifies(t *testing.T) {
	var changes []tether.StateChange
	var p *tether.Prober
	p, err := tether.NewProber(&tether.ProberOptions{
		DegradedRTTNs: 10e6, CongestedRTTNs: 100e6,
		OnStateChange: func(c tether.StateChange) {
			changes = append(changes, c)
			// The callback runs after the C call returned: the prober may be used.
			if _, err := p.State(c.Deployment); err != nil {
				t.Errorf("State from the callback: %v", err)
			}
		},
	})
	must(t, err)
	defer p.Close()
	must(t, p.AddStream(7, "dep", 0))
	now := uint64(1e9)
	pings, next, err := p.Poll(now)
	must(t, err)
	if len(pings) != 1 || pings[0].Stream != 7 || next == 0 {
		t.Fatalf("pings %+v next %d", pings, next)
	}
	msgs := frames(t, pings[0].Frame)
	if msgs[0].Type != wire.Ping {
		t.Fatalf("frame type %x", msgs[0].Type)
	}
	// The Pong comes back 500 ms later: congested.
	must(t, p.OnPongMessage(7, msgs[0].Payload, now+500e6))
	state, err := p.State("dep")
	must(t, err)
	if state != tether.DeploymentCongested || len(changes) != 1 || changes[0].To != tether.DeploymentCongested {
		t.Fatalf("state %v, changes %+v", state, changes)
	}
	sum, err := p.Summary("")
	must(t, err)
	if sum.Count != 1 || sum.MaxNs < 490e6 {
		t.Fatalf("summary %+v", sum)
	}
	must(t, p.OnPong(7, []byte("unknown"), now+600e6))
	st, err := p.Stats()
	must(t, err)
	if st.PingsSent != 1 || st.PongsMatched != 1 || st.PongsUnexpected != 1 {
		t.Fatalf("stats %+v", st)
	}
	text, err := p.Prometheus()
	must(t, err)
	if !strings.Contains(text, `tether_deployment_state{deployment="dep"} 2`) {
		t.Fatalf("prometheus text:\n%s", text)
	}
	must(t, p.RemoveStream(7))
	if tether.DeploymentDegraded.String() != "degraded" {
		t.Fatal(tether.DeploymentDegraded.String())
	}
}
