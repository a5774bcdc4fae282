package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.tether_prober_options;
import dev.tether.jni.tether_prober_stats;
import dev.tether.jni.tether_rtt_summary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime side of Ping/Pong (tether_prober): declare streams, write the Pings {@link
 * #poll} returns, hand back the Pongs read; it keeps RTT histograms and classifies each
 * deployment. Clock-injected: times are monotonic nanoseconds ({@link System#nanoTime()}
 * by default). State changes are read with {@link #state} (the C callback would need C to
 * hold a Java object, which this binding never lets it do).
 */
public final class Prober extends NativeHandle {
  public enum DeploymentState {
    HEALTHY,
    DEGRADED,
    CONGESTED
  }

  /** Which streams of a deployment a round pings. */
  public enum Selection {
    ONE_PER_DEPLOYMENT,
    SAMPLE,
    ALL
  }

  /** A Ping to write on a stream: a whole frame. */
  public record Ping(long stream, byte[] frame) {}

  /** Pings due now, and when to poll next (Long.MAX_VALUE as unsigned max: none). */
  public record Poll(List<Ping> pings, long nextDeadlineNanos) {}

  public record RttSummary(
      long count, long timeouts, long sumNanos, long minNanos, long p50Nanos, long p90Nanos,
      long p99Nanos, long maxNanos) {}

  public record Stats(
      long pingsSent, long pongsMatched, long pongsUnexpected, long timeouts, long streams,
      long deployments, long outstanding) {}

  /** Options (tether_prober_options); 0 / null leaves the library's default. */
  public static final class Options {
    Selection selection;
    long intervalNanos;
    long suspectIntervalNanos;
    long pongTimeoutNanos;
    long degradedRttNanos;
    long congestedRttNanos;
    long sampleSize;
    long maxStreams;

    public Options selection(Selection s) {
      this.selection = s;
      return this;
    }

    public Options intervalNanos(long v) {
      this.intervalNanos = v;
      return this;
    }

    public Options suspectIntervalNanos(long v) {
      this.suspectIntervalNanos = v;
      return this;
    }

    public Options pongTimeoutNanos(long v) {
      this.pongTimeoutNanos = v;
      return this;
    }

    public Options degradedRttNanos(long v) {
      this.degradedRttNanos = v;
      return this;
    }

    public Options congestedRttNanos(long v) {
      this.congestedRttNanos = v;
      return this;
    }

    public Options sampleSize(long v) {
      this.sampleSize = v;
      return this;
    }

    public Options maxStreams(long v) {
      this.maxStreams = v;
      return this;
    }
  }

  public Prober() {
    this(new Options());
  }

  public Prober(Options options) {
    this(create(options));
  }

  private Prober(long address) {
    super("prober", address, () -> TetherNative.tether_prober_free(address));
  }

  private static long create(Options options) {
    if (options == null) {
      throw new InvalidArgumentException("options is null");
    }
    tether_prober_options o = new tether_prober_options();
    try {
      TetherNative.tether_prober_options_init(o);
      if (options.selection != null) {
        o.setSelection(options.selection.ordinal());
      }
      if (options.intervalNanos != 0) {
        o.setInterval_ns(options.intervalNanos);
      }
      if (options.suspectIntervalNanos != 0) {
        o.setSuspect_interval_ns(options.suspectIntervalNanos);
      }
      if (options.pongTimeoutNanos != 0) {
        o.setPong_timeout_ns(options.pongTimeoutNanos);
      }
      if (options.degradedRttNanos != 0) {
        o.setDegraded_rtt_ns(options.degradedRttNanos);
      }
      if (options.congestedRttNanos != 0) {
        o.setCongested_rtt_ns(options.congestedRttNanos);
      }
      if (options.sampleSize != 0) {
        o.setSample_size(options.sampleSize);
      }
      if (options.maxStreams != 0) {
        o.setMax_streams(options.maxStreams);
      }
      String[] problem = new String[1];
      int status = TetherNative.tether_prober_options_check(o, problem);
      if (status != Status.OK) {
        throw TetherException.of(status, problem[0]);
      }
      long[] out = new long[1];
      status = TetherNative.tether_prober_new(o, out);
      if (status != Status.OK) {
        throw TetherException.of(status, "tether_prober_new refused the options");
      }
      return out[0];
    } finally {
      o.delete();
    }
  }

  @Override
  String lastErrorText() {
    return TetherNative.tether_prober_last_error(address());
  }

  private static String deployment(String deployment) {
    if (deployment == null) {
      throw new InvalidArgumentException("deployment is null");
    }
    if (deployment.indexOf('\0') >= 0) {
      throw new InvalidArgumentException("deployment contains a NUL character");
    }
    return deployment;
  }

  public synchronized void addStream(long stream, String deployment, long nowNanos) {
    check(TetherNative.tether_prober_add_stream(address(), stream, deployment(deployment), nowNanos));
  }

  public void addStream(long stream, String deployment) {
    addStream(stream, deployment, System.nanoTime());
  }

  public synchronized void removeStream(long stream) {
    check(TetherNative.tether_prober_remove_stream(address(), stream));
  }

  /** Expires overdue Pings and returns the Pings due at nowNanos (frames copied). */
  public synchronized Poll poll(long nowNanos) {
    check(TetherNative.tether_prober_poll(address(), nowNanos, span, out1));
    List<Ping> pings = new ArrayList<>((int) span[1]);
    long[] frame = new long[2];
    for (long i = 0; i < span[1]; i++) {
      long stream = TetherNative.pingAt(span[0], i, frame);
      pings.add(new Ping(stream, Bytes.copy(frame[0], frame[1])));
    }
    return new Poll(List.copyOf(pings), out1[0]);
  }

  public Poll poll() {
    return poll(System.nanoTime());
  }

  /** A Pong's nonce read on a stream (unknown ones are counted, not errors). */
  public synchronized void onPong(long stream, byte[] nonce, long nowNanos) {
    if (nonce == null) {
      throw new InvalidArgumentException("nonce is null");
    }
    long source = Bytes.local().stage(nonce, 0, nonce.length);
    check(TetherNative.tether_prober_on_pong(address(), stream, source, nonce.length, nowNanos));
  }

  /** A Pong frame's payload (a PongMessage); BadMessageException if it is not one. */
  public synchronized void onPongMessage(long stream, byte[] payload, long nowNanos) {
    if (payload == null) {
      throw new InvalidArgumentException("payload is null");
    }
    long source = Bytes.local().stage(payload, 0, payload.length);
    check(
        TetherNative.tether_prober_on_pong_message(
            address(), stream, source, payload.length, nowNanos));
  }

  public synchronized DeploymentState state(String deployment) {
    int[] state = new int[1];
    check(TetherNative.tether_prober_state(address(), deployment(deployment), state));
    return DeploymentState.values()[state[0]];
  }

  /** RTTs of one deployment, or of all of them when deployment is null. */
  public synchronized RttSummary summary(String deployment) {
    tether_rtt_summary s = new tether_rtt_summary();
    try {
      s.setStruct_size(TetherNative.SIZEOF_RTT_SUMMARY);
      check(
          TetherNative.tether_prober_summary(
              address(), deployment == null ? null : deployment(deployment), s));
      return new RttSummary(
          s.getCount(), s.getTimeouts(), s.getSum_ns(), s.getMin_ns(), s.getP50_ns(),
          s.getP90_ns(), s.getP99_ns(), s.getMax_ns());
    } finally {
      s.delete();
    }
  }

  public synchronized Stats stats() {
    tether_prober_stats s = new tether_prober_stats();
    try {
      s.setStruct_size(TetherNative.SIZEOF_PROBER_STATS);
      check(TetherNative.tether_prober_stats_get(address(), s));
      return new Stats(
          s.getPings_sent(), s.getPongs_matched(), s.getPongs_unexpected(), s.getTimeouts(),
          s.getStreams(), s.getDeployments(), s.getOutstanding());
    } finally {
      s.delete();
    }
  }

  /** Prometheus text exposition of the RTT histograms, timeouts and states. */
  public synchronized String prometheus() {
    check(TetherNative.tether_prober_prometheus(address(), span));
    return new String(Bytes.copy(span[0], span[1]), StandardCharsets.UTF_8);
  }
}
