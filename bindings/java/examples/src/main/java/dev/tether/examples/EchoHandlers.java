package dev.tether.examples;

import java.nio.charset.StandardCharsets;

/**
 * The conformance suite's service Echo: {@code echo} returns its input, {@code big} takes a
 * decimal N and returns N zero bytes, {@code block} takes a decimal T and blocks the thread
 * it runs on for T ms, then returns "ok". Shared by the reference endpoint and the SDK
 * services.
 */
public final class EchoHandlers {
  private EchoHandlers() {}

  public static final String SERVICE = "Echo";

  /** The handler's input is not what it takes: a terminal failure (400). */
  public static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  static long decimal(byte[] value, String what) {
    String text = new String(value, StandardCharsets.US_ASCII).strip();
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      String shown = text.length() > 40 ? text.substring(0, 40) : text;
      throw new BadInput("input must be a decimal " + what + ", got '" + shown + "'");
    }
    return Long.parseLong(text);
  }

  public static byte[] echo(byte[] value) {
    return value;
  }

  /** The N of {@code big}: an endpoint that streams its output sends N zero bytes as they go. */
  public static long bigLength(byte[] value) {
    return decimal(value, "byte count");
  }

  public static byte[] big(byte[] value) {
    long n = bigLength(value);
    if (n > Integer.MAX_VALUE - 8) {
      throw new BadInput("big takes at most " + (Integer.MAX_VALUE - 8) + " bytes, got " + n);
    }
    return new byte[(int) n];
  }

  public static byte[] block(byte[] value) {
    long ms = decimal(value, "number of milliseconds");
    try {
      Thread.sleep(ms); // blocks the thread that runs the handler: the point
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "ok".getBytes(StandardCharsets.US_ASCII);
  }

  /** The handler by name, or null. */
  public static java.util.function.UnaryOperator<byte[]> handler(String name) {
    switch (name) {
      case "echo":
        return EchoHandlers::echo;
      case "big":
        return EchoHandlers::big;
      case "block":
        return EchoHandlers::block;
      default:
        return null;
    }
  }

  public static final String[] NAMES = {"echo", "big", "block"};
}
