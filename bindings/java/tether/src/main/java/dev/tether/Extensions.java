package dev.tether;

import dev.tether.jni.TetherNative;
import java.nio.charset.StandardCharsets;

/**
 * The tether extension, negotiated per stream with the {@code tether-extensions} header
 * (PROTOCOL.md section 2): features {@code ping/1} and {@code chunked/1}. A runtime-side
 * client offers {@link #offer()}; an SDK-side endpoint parses the request's header with
 * {@link #parse}, runs the stream with the accepted set ({@link SessionOptions#extensions})
 * and answers it with {@link #format} in its 200 response headers.
 */
public final class Extensions {
  private Extensions() {}

  /** The header's name. */
  public static final String HEADER = TetherNative.TETHER_EXTENSIONS_HEADER;
  /** ping/1: Ping/Pong. */
  public static final int PING = (int) TetherNative.TETHER_EXT_PING;
  /** chunked/1: CONTINUED chunking. */
  public static final int CHUNKED = (int) TetherNative.TETHER_EXT_CHUNKED;
  /** Every feature this library supports. */
  public static final int ALL = (int) TetherNative.TETHER_EXT_ALL;
  /** The longest header value {@link #parse} accepts. */
  public static final int MAX_LENGTH = (int) TetherNative.TETHER_EXTENSIONS_MAX_LENGTH;

  /**
   * The features of {@code supported} that a header value names (null: no header, none).
   * InvalidArgumentException naming the problem for a malformed or over-long value (answer
   * 400 with its message).
   */
  public static int parse(String value, int supported) {
    if (value == null) {
      return 0;
    }
    long[] accepted = new long[1];
    String[] problem = new String[1];
    int status =
        TetherNative.tether_extensions_parse(
            value.getBytes(StandardCharsets.UTF_8), supported & 0xFFFF_FFFFL, accepted, problem);
    if (status != Status.OK) {
      throw TetherException.of(
          status, (problem[0] == null ? "malformed header" : problem[0]) + " in " + HEADER);
    }
    return (int) accepted[0];
  }

  /** The header value for a set ("ping/1, chunked/1"; "" for none). */
  public static String format(int set) {
    String value = TetherNative.tether_extensions_format(set & 0xFFFF_FFFFL);
    if (value == null) {
      throw new InvalidArgumentException("extension set 0x" + Integer.toHexString(set) + " has unknown bits");
    }
    return value;
  }

  /** What a runtime-side client offers: every supported feature. */
  public static String offer() {
    return format(ALL);
  }
}
