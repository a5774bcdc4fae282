package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.tether_session_options;

/**
 * Options of one invocation stream (tether_session_options); 0 means the library's
 * default for every field. Shared by {@link Session}, {@link Invocation} and {@link
 * Middleware}. Fluent setters; the library checks the values when a handle is made.
 */
public final class SessionOptions {
  private int protocolVersion;
  private long maxFramePayload;
  private long maxMessageSize;
  private long inboundBudget;
  private long outboundHighWatermark;
  private long outboundLowWatermark;
  private int extensions;

  /** Negotiated protocol version, 5..8 (0: the default, 8). */
  public SessionOptions protocolVersion(int version) {
    this.protocolVersion = version;
    return this;
  }

  /** Largest frame payload (chunk size bound); 0: 1 MiB. */
  public SessionOptions maxFramePayload(long bytes) {
    this.maxFramePayload = bytes;
    return this;
  }

  /** Largest (reassembled) message; 0: 32 MiB. */
  public SessionOptions maxMessageSize(long bytes) {
    this.maxMessageSize = bytes;
    return this;
  }

  /** Bytes fed but not yet dispatched before feed pushes back; 0: the default. */
  public SessionOptions inboundBudget(long bytes) {
    this.inboundBudget = bytes;
    return this;
  }

  /** Queued output at which send pushes back; 0: 4 MiB. */
  public SessionOptions outboundHighWatermark(long bytes) {
    this.outboundHighWatermark = bytes;
    return this;
  }

  /** Queued output below which WRITABLE fires; 0: high / 4. */
  public SessionOptions outboundLowWatermark(long bytes) {
    this.outboundLowWatermark = bytes;
    return this;
  }

  /** The tether extensions active on this stream ({@link Extensions#PING}, ...); 0: none. */
  public SessionOptions extensions(int set) {
    this.extensions = set;
    return this;
  }

  public int protocolVersion() {
    return protocolVersion;
  }

  public long maxMessageSize() {
    return maxMessageSize;
  }

  public int extensions() {
    return extensions;
  }

  private static long unsigned32(String what, long value) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new InvalidArgumentException(what + " " + value + " is outside 0..2^32-1");
    }
    return value;
  }

  private static long nonNegative(String what, long value) {
    if (value < 0) {
      throw new InvalidArgumentException(what + " " + value + " is negative");
    }
    return value;
  }

  /** A filled native struct; the caller deletes it. */
  tether_session_options toNative() {
    tether_session_options o = new tether_session_options();
    TetherNative.tether_session_options_init(o);
    if (protocolVersion != 0) {
      o.setProtocol_version(unsigned32("protocol_version", protocolVersion));
    }
    if (maxFramePayload != 0) {
      o.setMax_frame_payload(unsigned32("max_frame_payload", maxFramePayload));
    }
    if (maxMessageSize != 0) {
      o.setMax_message_size(nonNegative("max_message_size", maxMessageSize));
    }
    o.setInbound_budget(nonNegative("inbound_budget", inboundBudget));
    o.setOutbound_high_watermark(nonNegative("outbound_high_watermark", outboundHighWatermark));
    o.setOutbound_low_watermark(nonNegative("outbound_low_watermark", outboundLowWatermark));
    o.setExtensions(unsigned32("extensions", extensions & 0xFFFF_FFFFL));
    return o;
  }
}
