package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProberTest {
  @Test
  void pingsArePolledAndPongsMatchedIntoTheSummary() {
    Prober.Options o = new Prober.Options().selection(Prober.Selection.ALL).degradedRttNanos(1_000_000).congestedRttNanos(5_000_000);
    try (Prober p = new Prober(o)) {
      p.addStream(1, "dep", 0);
      p.addStream(2, "dep", 0);
      Prober.Poll poll = p.poll(0);
      assertEquals(2, poll.pings().size());
      for (Prober.Ping ping : poll.pings()) {
        List<Frame> frames = Wire.frames(ping.frame());
        assertEquals(Tether.MSG_PING, frames.get(0).type());
        byte[] nonce = Wire.field(frames.get(0).payload(), 1).bytes();
        p.onPong(ping.stream(), nonce, 10_000_000); // 10 ms: congested
      }
      p.onPong(1, new byte[] {9}, 10_000_001);
      Prober.RttSummary s = p.summary("dep");
      assertEquals(2, s.count());
      assertTrue(s.p50Nanos() >= 9_000_000, "p50 " + s.p50Nanos());
      assertEquals(Prober.DeploymentState.CONGESTED, p.state("dep"));
      Prober.Stats stats = p.stats();
      assertEquals(2, stats.pongsMatched());
      assertEquals(1, stats.pongsUnexpected());
      assertTrue(p.prometheus().contains("tether_ping_rtt_seconds"));
      assertEquals(2, p.summary(null).count());
    }
  }

  @Test
  void badPongMessageAndLimits() {
    try (Prober p = new Prober(new Prober.Options().maxStreams(1))) {
      p.addStream(1, "d", 0);
      assertThrows(QueueFullException.class, () -> p.addStream(2, "d", 0));
      assertThrows(BadMessageException.class, () -> p.onPongMessage(1, new byte[] {(byte) 0xFF}, 1));
      assertThrows(InvalidArgumentException.class, () -> p.addStream(3, "a\0b", 0));
    }
  }
}
