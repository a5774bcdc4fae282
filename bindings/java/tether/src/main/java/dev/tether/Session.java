package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.TetherNativeJNI;
import dev.tether.jni.tether_event;
import dev.tether.jni.tether_session_options;
import dev.tether.jni.tether_session_stats;
import java.nio.ByteBuffer;

/**
 * One invocation stream, SDK side (tether_session). The transport calls {@link #feed} with
 * what it read and writes what {@link #takeOutput} returns; the dispatch loop calls {@link
 * #nextEvent} (a Ping's Pong is queued right there) and {@link #send}. Methods are
 * synchronized: one thread at a time, as the C handle requires.
 */
public final class Session extends StreamHandle {
  private final tether_event event;
  private final int protocolVersion;

  public Session() {
    this(new SessionOptions());
  }

  public Session(SessionOptions options) {
    this(create(options), new tether_event(), options);
  }

  private Session(long address, tether_event event, SessionOptions options) {
    super("session", address, freeing(address, tether_event.getCPtr(event)));
    this.event = event;
    this.protocolVersion = options.protocolVersion() == 0 ? 8 : options.protocolVersion();
  }

  private static Runnable freeing(long session, long event) {
    return () -> {
      TetherNative.tether_session_free(session);
      TetherNativeJNI.delete_tether_event(event);
    };
  }

  private static long create(SessionOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("options is null");
    }
    tether_session_options o = options.toNative();
    try {
      long[] out = new long[1];
      int status = TetherNative.tether_session_new(o, out);
      if (status != Status.OK) {
        throw TetherException.of(status, "tether_session_new refused the options");
      }
      return out[0];
    } finally {
      o.delete();
    }
  }

  @Override
  String lastErrorText() {
    return TetherNative.tether_session_last_error(address());
  }

  public int protocolVersion() {
    return protocolVersion;
  }

  @Override
  int nativeFeed(long handle, long source, long length, long[] consumed) {
    return TetherNative.tether_session_feed(handle, source, length, consumed);
  }

  @Override
  int nativePending(long handle, long[] span) {
    return TetherNative.tether_session_pending_output(handle, span);
  }

  @Override
  int nativeConsume(long handle, long n) {
    return TetherNative.tether_session_consume_output(handle, n);
  }

  /** Declares the end of input; TruncatedException if it ended inside a frame or message. */
  public synchronized void finishInput() {
    check(TetherNative.tether_session_finish_input(address()));
  }

  /**
   * The dispatch step: the next event, or null when nothing is ready (or a Pong waits for
   * the transport to take output). Throws the stream's fatal status after malformed input.
   */
  public synchronized Event nextEvent() {
    int status = TetherNative.tether_session_next_event(address(), event);
    if (status == Status.EMPTY || status == Status.WOULD_BLOCK) {
      return null;
    }
    check(status);
    return new Event(
        Event.Kind.of(event.getKind()),
        event.getType(),
        event.getFlags(),
        Bytes.copy(event.getData(), event.getLength()),
        event.getAnswered() != 0);
  }

  /**
   * Frames and queues one message, all or nothing. WouldBlockException at the high
   * watermark (wait for a WRITABLE event); MessageTooLargeException over the limit (nothing
   * queued, the session stays usable); ClosedException after End or Error.
   */
  public synchronized void send(int type, byte[] payload, int offset, int length) {
    checkType(type);
    long source = Bytes.local().stage(payload, offset, length);
    check(TetherNative.tether_session_send(address(), type, source, length));
  }

  public void send(int type, byte[] payload) {
    if (payload == null) {
      throw new InvalidArgumentException("payload is null");
    }
    send(type, payload, 0, payload.length);
  }

  /** Sends the buffer's remaining bytes as one message and advances its position to the limit. */
  public synchronized void send(int type, ByteBuffer payload) {
    checkType(type);
    long source = Bytes.local().stage(payload);
    check(TetherNative.tether_session_send(address(), type, source, payload.remaining()));
    payload.position(payload.limit());
  }

  static void checkType(int type) {
    if (type < 0 || type > 0xFFFF) {
      throw new InvalidArgumentException("message type " + type + " is outside 0..0xFFFF");
    }
  }

  public synchronized SessionStats stats() {
    tether_session_stats s = SessionStats.allocate();
    try {
      check(TetherNative.tether_session_stats_get(address(), s));
      return SessionStats.of(s);
    } finally {
      s.delete();
    }
  }

}
