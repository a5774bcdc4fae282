package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.TetherNativeJNI;
import dev.tether.jni.tether_invocation_event;
import dev.tether.jni.tether_invocation_header;
import dev.tether.jni.tether_invocation_input;
import dev.tether.jni.tether_invocation_options;
import dev.tether.jni.tether_session_options;
import dev.tether.jni.tether_session_stats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest handler lifecycle over a session (tether_invocation): Start + InputCommand
 * in; OutputCommand + End, a terminal Failure, or an ErrorMessage out. The transport feeds
 * request bytes and writes {@link #takeOutput}; the dispatch loop calls {@link #poll}
 * (Pings are answered there) and, on RUN, runs the handler on {@link #input} and hands its
 * result to {@link #complete} / {@link #failTerminal} / {@link #failRetryable}.
 */
public final class Invocation extends StreamHandle {
  /** What {@link #poll} reports. */
  public enum Event {
    /** Input is ready: run the handler. */
    RUN,
    /** A result refused with WouldBlockException may be retried. */
    WRITABLE,
    /** The last message is queued: flush output, then end the response. */
    DONE
  }

  /** Lifecycle states (tether_invocation_state). */
  public enum State {
    WAITING_START,
    WAITING_INPUT,
    RUNNING,
    ENDING,
    DONE
  }

  private final tether_invocation_event event;

  public Invocation() {
    this(new SessionOptions(), 0);
  }

  /**
   * @param maxOutputSize the runtime's limit for one OutputCommand (0: 32 MiB); output over
   *     it becomes a terminal Failure 413 naming the size and the limit
   */
  public Invocation(SessionOptions session, long maxOutputSize) {
    this(create(session, maxOutputSize), new tether_invocation_event());
  }

  private Invocation(long address, tether_invocation_event event) {
    super("invocation", address, freeing(address, tether_invocation_event.getCPtr(event)));
    this.event = event;
  }

  private static Runnable freeing(long invocation, long event) {
    return () -> {
      TetherNative.tether_invocation_free(invocation);
      TetherNativeJNI.delete_tether_invocation_event(event);
    };
  }

  private static long create(SessionOptions session, long maxOutputSize) {
    if (session == null) {
      throw new InvalidArgumentException("session options are null");
    }
    if (maxOutputSize < 0) {
      throw new InvalidArgumentException("max_output_size " + maxOutputSize + " is negative");
    }
    tether_session_options s = session.toNative();
    tether_invocation_options o = new tether_invocation_options();
    try {
      TetherNative.tether_invocation_options_init(o);
      o.setSession(s);
      if (maxOutputSize != 0) {
        o.setMax_output_size(maxOutputSize);
      }
      long[] out = new long[1];
      int status = TetherNative.tether_invocation_new(o, out);
      if (status != Status.OK) {
        throw TetherException.of(status, "tether_invocation_new refused the options");
      }
      return out[0];
    } finally {
      o.delete();
      s.delete();
    }
  }

  /**
   * The protocol version of a content type {@code application/vnd.restate.invocation.vN};
   * UnsupportedVersionException outside 5..maxVersion (answer 415), InvalidArgumentException
   * if it is no such content type.
   */
  public static int contentTypeVersion(String contentType, int maxVersion) {
    if (contentType == null) {
      throw new InvalidArgumentException("content type is null");
    }
    long[] out = new long[1];
    int status =
        TetherNative.tether_invocation_content_type_version(
            contentType.getBytes(StandardCharsets.UTF_8), maxVersion, out);
    if (status != Status.OK) {
      throw TetherException.of(status, "content type '" + contentType + "'");
    }
    return (int) out[0];
  }

  public static int contentTypeVersion(String contentType) {
    return contentTypeVersion(contentType, Tether.PROTOCOL_MAX_VERSION);
  }

  @Override
  String lastErrorText() {
    return TetherNative.tether_invocation_last_error(address());
  }

  @Override
  int nativeFeed(long handle, long source, long length, long[] consumed) {
    return TetherNative.tether_invocation_feed(handle, source, length, consumed);
  }

  @Override
  int nativePending(long handle, long[] span) {
    return TetherNative.tether_invocation_pending_output(handle, span);
  }

  @Override
  int nativeConsume(long handle, long n) {
    return TetherNative.tether_invocation_consume_output(handle, n);
  }

  public synchronized void finishInput() {
    check(TetherNative.tether_invocation_finish_input(address()));
  }

  /**
   * The dispatch step: RUN, WRITABLE, DONE, or null (nothing until more input or until the
   * transport takes output; also after DONE was reported). Malformed input throws its
   * exception; an ErrorMessage naming it is queued and the next poll reports DONE.
   */
  public synchronized Event poll() {
    int status = TetherNative.tether_invocation_poll(address(), event);
    if (status == Status.EMPTY || status == Status.WOULD_BLOCK || status == Status.CLOSED) {
      return null;
    }
    check(status);
    switch (event.getKind()) {
      case 1:
        return Event.RUN;
      case 2:
        return Event.WRITABLE;
      case 3:
        return Event.DONE;
      default:
        throw new InternalException("unknown invocation event " + event.getKind());
    }
  }

  /** The handler's input (copied), from RUN on; InvalidStateException before. */
  public synchronized InvocationInput input() {
    tether_invocation_input in = new tether_invocation_input();
    try {
      check(TetherNative.tether_invocation_input_get(address(), in));
      List<InvocationInput.Header> headers = new ArrayList<>((int) in.getHeader_count());
      for (long i = 0; i < in.getHeader_count(); i++) {
        tether_invocation_header h =
            new tether_invocation_header(TetherNative.headerAt(in.getHeaders(), i), false);
        headers.add(
            new InvocationInput.Header(
                Bytes.utf8(h.getKey(), h.getKey_length()),
                Bytes.utf8(h.getValue(), h.getValue_length())));
      }
      return new InvocationInput(
          Bytes.copy(in.getId(), in.getId_length()),
          Bytes.utf8(in.getDebug_id(), in.getDebug_id_length()),
          Bytes.utf8(in.getKey(), in.getKey_length()),
          in.getKnown_entries(),
          in.getRetry_count_since_last_stored_entry(),
          in.getDuration_since_last_stored_entry(),
          in.getRandom_seed(),
          Bytes.copy(in.getValue(), in.getValue_length()),
          List.copyOf(headers));
    } finally {
      in.delete();
    }
  }

  /**
   * OutputCommand{value} + End. Over the output limit a terminal Failure 413 is queued
   * instead and MessageTooLargeException thrown (the invocation completes, failed).
   * WouldBlockException: nothing queued, retry after WRITABLE.
   */
  public synchronized void complete(byte[] value) {
    if (value == null) {
      throw new InvalidArgumentException("value is null");
    }
    long source = Bytes.local().stage(value, 0, value.length);
    check(TetherNative.tether_invocation_complete(address(), source, value.length));
  }

  public synchronized void complete(ByteBuffer value) {
    long source = Bytes.local().stage(value);
    check(TetherNative.tether_invocation_complete(address(), source, value.remaining()));
    value.position(value.limit());
  }

  /**
   * Begins a streamed OutputCommand of length value bytes, written piecewise with {@link
   * #writeOutput} and ended by {@link #finishOutput}, so queued output stays under the high
   * watermark however large the value. Over the output limit a terminal Failure 413 is
   * queued instead and MessageTooLargeException thrown; WouldBlockException: nothing
   * queued, begin again after WRITABLE; InvalidStateException when not RUNNING or an output
   * is already open.
   */
  public synchronized void beginOutput(long length) {
    if (length < 0) {
      throw new InvalidArgumentException("output length " + length + " is negative");
    }
    check(TetherNative.tether_invocation_output_begin(address(), length));
  }

  /**
   * Queues the next value bytes of the open output, as many as fit under the high watermark
   * (a short write is no error), and advances data's position by them. WouldBlockException
   * when none fit: write the rest after WRITABLE. More than the length left:
   * InvalidArgumentException, nothing queued.
   */
  public synchronized int writeOutput(ByteBuffer data) {
    int taken = writeAt(Bytes.local().stage(data), data.remaining());
    data.position(data.position() + taken);
    return taken;
  }

  /** {@link #writeOutput(ByteBuffer)} of data[offset, offset+length). */
  public synchronized int writeOutput(byte[] data, int offset, int length) {
    return writeAt(Bytes.local().stage(data, offset, length), length);
  }

  private int writeAt(long source, int length) {
    check(TetherNative.tether_invocation_output_write(address(), source, length, out1));
    return (int) out1[0];
  }

  /** Ends the open output once all its bytes were written (else InvalidStateException); End follows. */
  public synchronized void finishOutput() {
    check(TetherNative.tether_invocation_output_finish(address()));
  }

  /** OutputCommand{failure{code, message}} + End: the invocation completes, failed. */
  public synchronized void failTerminal(int code, String message) {
    check(TetherNative.tether_invocation_fail_terminal(address(), code, utf8(message)));
  }

  /** ErrorMessage{code, message}: the runtime retries the attempt. */
  public synchronized void failRetryable(int code, String message) {
    check(TetherNative.tether_invocation_fail_retryable(address(), code, utf8(message)));
  }

  private static byte[] utf8(String message) {
    if (message == null) {
      throw new InvalidArgumentException("message is null");
    }
    return message.getBytes(StandardCharsets.UTF_8);
  }

  public synchronized State state() {
    return State.values()[TetherNative.tether_invocation_state_get(address())];
  }

  public synchronized SessionStats sessionStats() {
    tether_session_stats s = SessionStats.allocate();
    try {
      check(TetherNative.tether_invocation_session_stats(address(), s));
      return SessionStats.of(s);
    } finally {
      s.delete();
    }
  }
}
