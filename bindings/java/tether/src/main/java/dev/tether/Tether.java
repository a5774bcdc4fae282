package dev.tether;

import dev.tether.jni.TetherNative;

/** Library-wide constants and versions, from tether.h through the generated classes. */
public final class Tether {
  private Tether() {}

  public static final int FRAME_HEADER_SIZE = TetherNative.TETHER_FRAME_HEADER_SIZE;
  public static final int PROTOCOL_MIN_VERSION = TetherNative.TETHER_PROTOCOL_MIN_VERSION;
  public static final int PROTOCOL_MAX_VERSION = TetherNative.TETHER_PROTOCOL_MAX_VERSION;
  public static final long DEFAULT_MAX_FRAME_PAYLOAD = TetherNative.TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  public static final long DEFAULT_MAX_MESSAGE_SIZE = TetherNative.TETHER_DEFAULT_MAX_MESSAGE_SIZE;

  public static final int MSG_START = TetherNative.TETHER_MSG_START;
  public static final int MSG_SUSPENSION = TetherNative.TETHER_MSG_SUSPENSION;
  public static final int MSG_ERROR = TetherNative.TETHER_MSG_ERROR;
  public static final int MSG_END = TetherNative.TETHER_MSG_END;
  public static final int MSG_COMMAND_ACK = TetherNative.TETHER_MSG_COMMAND_ACK;
  public static final int MSG_PROPOSE_RUN_COMPLETION = TetherNative.TETHER_MSG_PROPOSE_RUN_COMPLETION;
  public static final int MSG_AWAITING_ON = TetherNative.TETHER_MSG_AWAITING_ON;
  public static final int MSG_PROPOSE_RUN_COMPLETION_ACK = TetherNative.TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK;
  public static final int MSG_PING = TetherNative.TETHER_MSG_PING;
  public static final int MSG_PONG = TetherNative.TETHER_MSG_PONG;
  public static final int MSG_INPUT_COMMAND = TetherNative.TETHER_MSG_INPUT_COMMAND;
  public static final int MSG_OUTPUT_COMMAND = TetherNative.TETHER_MSG_OUTPUT_COMMAND;

  public static final int FLAG_REQUESTED_ACK = TetherNative.TETHER_FLAG_REQUESTED_ACK;
  public static final int FLAG_CONTINUED = TetherNative.TETHER_FLAG_CONTINUED;

  /** The library's version string ("0.1.0"). */
  public static String version() {
    return TetherNative.tether_version_string();
  }

  public static long abiVersion() {
    return TetherNative.tether_abi_version();
  }

  /** The 8-byte big-endian frame header. */
  public static byte[] frameHeader(int type, int flags, long length) {
    Session.checkType(type);
    if (flags < 0 || flags > 0xFFFF || length < 0 || length > 0xFFFF_FFFFL) {
      throw new InvalidArgumentException("flags " + flags + " or length " + length + " out of range");
    }
    byte[] out = new byte[FRAME_HEADER_SIZE];
    TetherNative.tether_frame_header_encode(type, flags, length, out);
    return out;
  }
}
