package dev.tether;

import java.lang.ref.Cleaner;

/**
 * One libtether handle owned by a Java object. Every call into it goes through the
 * subclass's synchronized methods, so a handle shared by mistake between threads is
 * serialized instead of corrupted, and close() never races a call. close() frees it
 * at once; the Cleaner frees one that was never closed, as a safety net only.
 */
abstract class NativeHandle implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final String kind;
  private long address;
  private final Cleaner.Cleanable cleanable;
  /** Output arrays reused by the calls on this handle (guarded by this). */
  final long[] out1 = new long[1];
  final long[] span = new long[2];

  /**
   * free releases the handle and any struct the subclass allocated with it; it must
   * capture addresses only, never the Java object (or the Cleaner would never run it).
   */
  NativeHandle(String kind, long address, Runnable free) {
    this.kind = kind;
    this.address = address;
    this.cleanable = CLEANER.register(this, free);
  }

  /** The live address; throws ClosedException once closed. Call while holding this. */
  final long address() {
    if (address == 0) {
      throw new ClosedException(kind + " is closed");
    }
    return address;
  }

  /** Throws the exception for {@code status} unless it is OK, with the handle's last error. */
  final void check(int status) {
    if (status != Status.OK) {
      throw TetherException.of(status, lastErrorText());
    }
  }

  /** The handle's last_error text (the call holds this). */
  abstract String lastErrorText();

  /** The last failure's message on this handle ("" if none). */
  public synchronized String lastError() {
    return address == 0 ? "" : lastErrorText();
  }

  public synchronized boolean isClosed() {
    return address == 0;
  }

  /** Frees the handle. Idempotent. */
  @Override
  public synchronized void close() {
    if (address != 0) {
      address = 0;
      cleanable.clean();
    }
  }
}
