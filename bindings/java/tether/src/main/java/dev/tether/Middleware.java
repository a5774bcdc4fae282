package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.tether_middleware_options;
import dev.tether.jni.tether_session_options;
import dev.tether.jni.tether_session_stats;
import java.nio.ByteBuffer;

/**
 * tether in front of an upstream SDK's state machine (tether_middleware, PROTOCOL.md "tether
 * in front of an upstream SDK"). Request bytes go in with {@link #feed}; {@link
 * #takeSdkInput} is the dispatch step, called on the SDK's own loop: it answers the Pings
 * read so far and returns the plain upstream frames for the SDK. The SDK's output goes in
 * with {@link #sdkOutput}, checked against the runtime's limit before any byte of a message
 * is queued; the wire bytes come out of {@link #takeOutput}.
 */
public final class Middleware extends StreamHandle {
  /** What {@link #takeSdkInput} returns while there is nothing yet. */
  private static final byte[] NOTHING = new byte[0];

  private boolean blocked;

  public Middleware() {
    this(new SessionOptions(), 0);
  }

  /**
   * @param session the stream's protocol version, extensions, limits and budgets
   * @param maxOutputSize the runtime's limit for one message (0: 32 MiB)
   */
  public Middleware(SessionOptions session, long maxOutputSize) {
    this(create(session, maxOutputSize));
  }

  private Middleware(long address) {
    super("middleware", address, () -> TetherNative.tether_middleware_free(address));
  }

  private static long create(SessionOptions session, long maxOutputSize) {
    if (session == null) {
      throw new InvalidArgumentException("session options are null");
    }
    if (maxOutputSize < 0) {
      throw new InvalidArgumentException("max_output_size " + maxOutputSize + " is negative");
    }
    tether_session_options s = session.toNative();
    tether_middleware_options o = new tether_middleware_options();
    try {
      TetherNative.tether_middleware_options_init(o);
      o.setSession(s);
      if (maxOutputSize != 0) {
        o.setMax_output_size(maxOutputSize);
      }
      long[] out = new long[1];
      int status = TetherNative.tether_middleware_new(o, out);
      if (status != Status.OK) {
        throw TetherException.of(status, "tether_middleware_new refused the options");
      }
      return out[0];
    } finally {
      o.delete();
      s.delete();
    }
  }

  @Override
  String lastErrorText() {
    return TetherNative.tether_middleware_last_error(address());
  }

  @Override
  int nativeFeed(long handle, long source, long length, long[] consumed) {
    return TetherNative.tether_middleware_feed(handle, source, length, consumed);
  }

  @Override
  int nativePending(long handle, long[] span) {
    return TetherNative.tether_middleware_pending_output(handle, span);
  }

  @Override
  int nativeConsume(long handle, long n) {
    return TetherNative.tether_middleware_consume_output(handle, n);
  }

  /** The request ended (TruncatedException if it stopped inside a frame). */
  public synchronized void finishInput() {
    check(TetherNative.tether_middleware_finish_input(address()));
  }

  /**
   * The dispatch step: answers the Pings read so far (their Pongs are queued here) and
   * returns the next plain upstream frames for the SDK (whole messages, a copy); an empty
   * array when there is nothing yet, null once input finished and everything was taken.
   * After malformed input it throws that fatal status: an ErrorMessage 571 naming the
   * problem is queued as output; give the SDK nothing more, write the output, end the
   * response.
   */
  public synchronized byte[] takeSdkInput() {
    int status = TetherNative.tether_middleware_take_sdk_input(address(), span);
    if (status == Status.CLOSED) {
      return null;
    }
    check(status);
    return span[1] == 0 ? NOTHING : Bytes.copy(span[0], span[1]);
  }

  /**
   * The SDK's output bytes (split anywhere); returns the bytes taken. When output is at the
   * session's high watermark {@link #outputBlocked()} turns true: write output, then call
   * again with the rest, or {@link #retrySdkOutput()} when everything was taken. The first
   * message over the runtime's limit is replaced by a terminal Failure 413 + End and what
   * the SDK writes after it is taken and dropped: {@link #replaced()} turns true and this
   * call returns normally (flush the output, end the response, stop the SDK).
   * InvalidArgumentException: the SDK sent a type its protocol version does not know, a
   * Ping or a Pong; the stream's output stops there.
   */
  public synchronized int sdkOutput(byte[] data, int offset, int length) {
    return sdkOutputAt(Bytes.local().stage(data, offset, length), length);
  }

  /**
   * The buffer's remaining bytes; its position advances by what was taken. A heap buffer goes
   * in staging windows ({@link Bytes#window}): the middleware takes a large frame in pieces as
   * output drains, and staging the whole rest for every piece copied a 30 MiB message dozens
   * of times into fresh direct buffers (gigabytes of RSS before the cleaner ran).
   */
  public synchronized int sdkOutput(ByteBuffer data) {
    ByteBuffer window = Bytes.window(data);
    int taken = sdkOutputAt(Bytes.local().stage(window), window.remaining());
    data.position(data.position() + taken);
    return taken;
  }

  /** Retries a frame that was taken whole but waited for room; see {@link #outputBlocked()}. */
  public synchronized void retrySdkOutput() {
    sdkOutputAt(0, 0);
  }

  private int sdkOutputAt(long source, int length) {
    int status = TetherNative.tether_middleware_sdk_output(address(), source, length, out1);
    blocked = status == Status.WOULD_BLOCK;
    if (status != Status.OK && !blocked && status != Status.MESSAGE_TOO_LARGE) {
      check(status);
    }
    return (int) out1[0];
  }

  /** The last sdkOutput, retry or end stopped at the high watermark: write output first. */
  public synchronized boolean outputBlocked() {
    return blocked;
  }

  /**
   * The SDK ended its output: true when done, false when a frame still waits for room
   * (write output, {@link #retrySdkOutput()}, then call again). TruncatedException if the
   * SDK stopped inside a frame.
   */
  public synchronized boolean sdkOutputEnd() {
    int status = TetherNative.tether_middleware_sdk_output_end(address());
    blocked = status == Status.WOULD_BLOCK;
    if (!blocked) {
      check(status);
    }
    return !blocked;
  }

  /** True once an oversize message was replaced by the 413 Failure. */
  public synchronized boolean replaced() {
    return TetherNative.tether_middleware_replaced(address()) != 0;
  }

  public synchronized SessionStats stats() {
    tether_session_stats s = SessionStats.allocate();
    try {
      check(TetherNative.tether_middleware_session_stats(address(), s));
      return SessionStats.of(s);
    } finally {
      s.delete();
    }
  }
}
