package dev.tether;

import java.nio.ByteBuffer;

/** A handle that parses input: feed(byte[]) and feed(ByteBuffer) over one native feed call. */
abstract class FeedHandle extends NativeHandle {
  FeedHandle(String kind, long address, Runnable free) {
    super(kind, address, free);
  }

  /** The native feed of this handle: status, bytes taken in consumed[0]. */
  abstract int nativeFeed(long handle, long source, long length, long[] consumed);

  /**
   * Feeds data[offset, offset+length) and returns the bytes taken: all of them, or fewer when
   * the handle's budget is full (dispatch, then feed the rest). Malformed input throws its
   * ProtocolException or LimitException.
   */
  public synchronized int feed(byte[] data, int offset, int length) {
    return feedAt(Bytes.local().stage(data, offset, length), length);
  }

  public int feed(byte[] data) {
    if (data == null) {
      throw new InvalidArgumentException("data is null");
    }
    return feed(data, 0, data.length);
  }

  /** Feeds the buffer's remaining bytes and advances its position by what was taken. */
  public synchronized int feed(ByteBuffer data) {
    int taken = feedAt(Bytes.local().stage(data), data.remaining());
    data.position(data.position() + taken);
    return taken;
  }

  private int feedAt(long source, int length) {
    int status = nativeFeed(address(), source, length, out1);
    if (status != Status.OK && status != Status.WOULD_BLOCK) {
      check(status);
    }
    return (int) out1[0];
  }
}
