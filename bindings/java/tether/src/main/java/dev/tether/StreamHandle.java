package dev.tether;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** A handle that also queues output for the transport (pending_output / consume_output). */
abstract class StreamHandle extends FeedHandle {
  StreamHandle(String kind, long address, Runnable free) {
    super(kind, address, free);
  }

  abstract int nativePending(long handle, long[] span);

  abstract int nativeConsume(long handle, long n);

  /** Bytes of output waiting for the transport (the next contiguous piece). */
  public synchronized int pendingOutput() {
    check(nativePending(address(), span));
    return (int) span[1];
  }

  /** Takes up to limit bytes of queued output (a copy); empty when there is none. */
  public synchronized byte[] takeOutput(int limit) {
    if (limit < 0) {
      throw new InvalidArgumentException("limit " + limit + " is negative");
    }
    byte[] first = null;
    ByteArrayOutputStream more = null; // only when the output is in several pieces
    int total = 0;
    while (total < limit) {
      check(nativePending(address(), span));
      int n = (int) Math.min(span[1], limit - total);
      if (n == 0) {
        break;
      }
      byte[] piece = Bytes.copy(span[0], n);
      check(nativeConsume(address(), n));
      if (first == null) {
        first = piece;
      } else {
        if (more == null) {
          more = new ByteArrayOutputStream();
          more.writeBytes(first);
        }
        more.writeBytes(piece);
      }
      total += n;
    }
    return more != null ? more.toByteArray() : first != null ? first : new byte[0];
  }

  /** Takes every byte of queued output. */
  public byte[] takeOutput() {
    return takeOutput(Integer.MAX_VALUE);
  }

  /** Copies queued output into target (up to its remaining space); returns the bytes taken. */
  public synchronized int takeOutput(ByteBuffer target) {
    if (target == null) {
      throw new InvalidArgumentException("target is null");
    }
    if (target.isReadOnly()) {
      throw new InvalidArgumentException("target is read-only");
    }
    int total = 0;
    while (target.hasRemaining()) {
      check(nativePending(address(), span));
      int n = (int) Math.min(span[1], target.remaining());
      if (n == 0) {
        break;
      }
      Bytes.copyInto(span[0], n, target);
      check(nativeConsume(address(), n));
      total += n;
    }
    return total;
  }
}
