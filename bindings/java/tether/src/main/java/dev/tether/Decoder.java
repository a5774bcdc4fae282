package dev.tether;

import dev.tether.jni.TetherNative;
import dev.tether.jni.TetherNativeJNI;
import dev.tether.jni.tether_decoder_options;
import dev.tether.jni.tether_frame;

/**
 * A streaming frame decoder (tether_decoder): bytes may arrive split anywhere; each header
 * is checked against the limits before its payload is buffered.
 */
public final class Decoder extends FeedHandle {
  private final tether_frame frame;

  /** The defaults: 1 MiB frames, no CONTINUED flag. */
  public Decoder() {
    this(0, 0, false);
  }

  /**
   * @param maxFramePayload 0: 1 MiB
   * @param maxBuffered bytes of decoded frames held until taken; 0: 4 * maxFramePayload
   * @param allowContinued accept the CONTINUED flag (chunked/1)
   */
  public Decoder(long maxFramePayload, long maxBuffered, boolean allowContinued) {
    this(create(maxFramePayload, maxBuffered, allowContinued), new tether_frame());
  }

  private Decoder(long address, tether_frame frame) {
    super("decoder", address, freeing(address, tether_frame.getCPtr(frame)));
    this.frame = frame;
  }

  private static Runnable freeing(long decoder, long frame) {
    return () -> {
      TetherNative.tether_decoder_free(decoder);
      TetherNativeJNI.delete_tether_frame(frame);
    };
  }

  private static long create(long maxFramePayload, long maxBuffered, boolean allowContinued) {
    if (maxFramePayload < 0 || maxFramePayload > 0xFFFF_FFFFL || maxBuffered < 0) {
      throw new InvalidArgumentException(
          "max_frame_payload " + maxFramePayload + " / max_buffered " + maxBuffered
              + " out of range");
    }
    tether_decoder_options o = new tether_decoder_options();
    try {
      TetherNative.tether_decoder_options_init(o);
      if (maxFramePayload != 0) {
        o.setMax_frame_payload(maxFramePayload);
      }
      o.setMax_buffered(maxBuffered);
      o.setAllow_continued(allowContinued ? 1 : 0);
      long[] out = new long[1];
      int status = TetherNative.tether_decoder_new(o, out);
      if (status != Status.OK) {
        throw TetherException.of(status, "tether_decoder_new refused the options");
      }
      return out[0];
    } finally {
      o.delete();
    }
  }

  @Override
  String lastErrorText() {
    return TetherNative.tether_decoder_last_error(address());
  }

  @Override
  int nativeFeed(long handle, long source, long length, long[] consumed) {
    return TetherNative.tether_decoder_feed(handle, source, length, consumed);
  }

  /** The next frame in arrival order, or null. */
  public synchronized Frame next() {
    int status = TetherNative.tether_decoder_next(address(), frame);
    if (status == Status.EMPTY) {
      return null;
    }
    check(status);
    return new Frame(frame.getType(), frame.getFlags(), Bytes.copy(frame.getPayload(), frame.getLength()));
  }

  /** Declares the end of input: TruncatedException if it stopped inside a frame. */
  public synchronized void finish() {
    check(TetherNative.tether_decoder_finish(address()));
  }
}
