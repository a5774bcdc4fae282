package dev.tether;

import dev.tether.jni.TetherNative;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Moves bytes between Java and the library. Input is passed by address: a direct
 * ByteBuffer's own memory, or a staging buffer that heap bytes are copied into (one per
 * thread: it is used only during a call, and a handle is in one call at a time). Output
 * (owned by the library until the next call) is copied out before the call returns.
 */
final class Bytes {
  /** Staging kept per thread; a larger input gets a buffer of its own for that call. */
  static final int STAGING_KEEP = 64 * 1024;

  private static final ThreadLocal<Bytes> LOCAL = ThreadLocal.withInitial(Bytes::new);

  private ByteBuffer staging = ByteBuffer.allocateDirect(1024);
  private long stagingAddress = TetherNative.address(staging);

  private Bytes() {}

  /** This thread's staging. */
  static Bytes local() {
    return LOCAL.get();
  }


  static void checkRange(int arrayLength, int offset, int length) {
    if (offset < 0 || length < 0 || offset > arrayLength - length) {
      throw new InvalidArgumentException(
          "range offset " + offset + " length " + length + " outside an array of " + arrayLength);
    }
  }

  /** The address of a copy of data[offset, offset+length) (valid until the next stage call). */
  long stage(byte[] data, int offset, int length) {
    if (data == null) {
      throw new InvalidArgumentException("data is null");
    }
    checkRange(data.length, offset, length);
    ByteBuffer buffer = room(length);
    buffer.put(0, data, offset, length);
    return buffer == staging ? stagingAddress : TetherNative.address(buffer);
  }

  /**
   * The address of buffer's remaining bytes: its own memory when direct, else a staged
   * copy. The buffer's position is not moved (the caller advances it by what was taken).
   */
  long stage(ByteBuffer buffer) {
    if (buffer == null) {
      throw new InvalidArgumentException("buffer is null");
    }
    int length = buffer.remaining();
    if (buffer.isDirect()) {
      long base = TetherNative.address(buffer);
      if (base == 0) {
        throw new InvalidArgumentException("direct buffer without an address");
      }
      return base + buffer.position();
    }
    ByteBuffer copy = room(length);
    copy.put(0, buffer, buffer.position(), length);
    return copy == staging ? stagingAddress : TetherNative.address(copy);
  }

  /**
   * For calls that may take only part of what they are given (the rest is offered again):
   * a heap buffer's first STAGING_KEEP bytes, so each call stages a bounded window instead
   * of the whole rest again; a direct buffer (never staged) as it is.
   */
  static ByteBuffer window(ByteBuffer data) {
    if (data != null && !data.isDirect() && data.remaining() > STAGING_KEEP) {
      return data.slice(data.position(), STAGING_KEEP);
    }
    return data;
  }

  private ByteBuffer room(int length) {
    if (length <= staging.capacity()) {
      return staging;
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(length).order(ByteOrder.BIG_ENDIAN);
    if (length <= STAGING_KEEP) {
      staging = buffer;
      stagingAddress = TetherNative.address(buffer);
    }
    return buffer;
  }

  /** A copy of length bytes at a library-owned address. */
  static byte[] copy(long address, long length) {
    if (length > Integer.MAX_VALUE - 8) {
      throw new MessageTooLargeException(length + " bytes do not fit a Java array");
    }
    byte[] out = new byte[(int) length];
    if (length > 0) {
      TetherNative.copyToArray(address, out, 0, (int) length);
    }
    return out;
  }

  /** Copies length bytes at address into target at its position, advancing it. */
  static void copyInto(long address, int length, ByteBuffer target) {
    if (target.isDirect()) {
      TetherNative.copyToAddress(address, TetherNative.address(target) + target.position(), length);
      target.position(target.position() + length);
    } else if (target.hasArray()) {
      TetherNative.copyToArray(
          address, target.array(), target.arrayOffset() + target.position(), length);
      target.position(target.position() + length);
    } else {
      target.put(copy(address, length));
    }
  }

  /** UTF-8 text of (address, length) owned by the library. */
  static String utf8(long address, long length) {
    return new String(copy(address, length), StandardCharsets.UTF_8);
  }
}
