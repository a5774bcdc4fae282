package dev.tether.examples;

import dev.tether.Invocation;
import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A handler's result as the reference endpoint delivers it, on the dispatch loop. {@link
 * #deliver} throwing WouldBlockException means "deliver me again after WRITABLE": a reply
 * keeps its own progress, so a streamed one resumes where the watermark stopped it.
 */
interface Reply {
  void deliver(Invocation invocation);

  static Reply value(byte[] out) {
    return invocation -> invocation.complete(out);
  }

  static Reply failure(int code, String message) {
    return invocation -> invocation.failTerminal(code, message);
  }

  static Reply retry(int code, String message) {
    return invocation -> invocation.failRetryable(code, message);
  }

  /**
   * Echo's handler by name, or null. {@code big} streams its N zero bytes, so the endpoint
   * never holds the whole value and its queued output stays under the high watermark.
   */
  static Function<byte[], Reply> handler(String name) {
    if (name.equals("big")) {
      return value -> new Zeros(EchoHandlers.bigLength(value));
    }
    UnaryOperator<byte[]> plain = EchoHandlers.handler(name);
    return plain == null ? null : value -> value(plain.apply(value));
  }

  /** n zero bytes as one streamed OutputCommand. */
  final class Zeros implements Reply {
    private static final ByteBuffer PIECE = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final long length;
    private long written = -1; // -1: not begun

    Zeros(long length) {
      this.length = length;
    }

    @Override
    public void deliver(Invocation invocation) {
      if (written < 0) {
        invocation.beginOutput(length);
        written = 0;
      }
      while (written < length) {
        ByteBuffer piece = PIECE.duplicate();
        piece.limit((int) Math.min(piece.capacity(), length - written));
        written += invocation.writeOutput(piece);
      }
      invocation.finishOutput();
    }
  }
}
