package dev.tether;

import dev.tether.jni.tether_session_stats;

/** A session's counters (tether_session_stats). */
public record SessionStats(
    long bytesIn,
    long bytesOut,
    long framesIn,
    long framesOut,
    long chunksIn,
    long chunksOut,
    long messagesIn,
    long messagesOut,
    long pingsAnswered,
    long inboundBuffered,
    long outboundBuffered,
    long peakInboundBuffered,
    long peakOutboundBuffered) {

  static SessionStats of(tether_session_stats s) {
    return new SessionStats(
        s.getBytes_in(),
        s.getBytes_out(),
        s.getFrames_in(),
        s.getFrames_out(),
        s.getChunks_in(),
        s.getChunks_out(),
        s.getMessages_in(),
        s.getMessages_out(),
        s.getPings_answered(),
        s.getInbound_buffered(),
        s.getOutbound_buffered(),
        s.getPeak_inbound_buffered(),
        s.getPeak_outbound_buffered());
  }

  /** A native stats struct with struct_size set; the caller deletes it. */
  static tether_session_stats allocate() {
    tether_session_stats s = new tether_session_stats();
    s.setStruct_size(dev.tether.jni.TetherNative.SIZEOF_SESSION_STATS);
    return s;
  }
}
