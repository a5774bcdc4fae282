package dev.tether;

/**
 * A status other than OK from libtether. The classes below it are generated from
 * {@code tether_status_table()} at build time: one per family ({@link BackpressureException},
 * {@link LimitException}, {@link ProtocolException}, {@link UsageException}, {@link
 * ResourceException}) and one per code ({@code WouldBlockException}, {@code
 * MessageTooLargeException}, ...).
 */
public abstract class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  protected TetherException(int code, String detail) {
    super(describe(code, detail));
    this.code = code;
  }

  private static String describe(int code, String detail) {
    String head = name(code) + ": " + message(code);
    return detail == null || detail.isEmpty() ? head : head + ": " + detail;
  }

  private static boolean known(int code) {
    return code >= 0 && code < StatusTable.SIZE;
  }

  private static String name(int code) {
    return known(code) ? StatusTable.NAMES[code] : "TETHER_STATUS_" + code;
  }

  private static String message(int code) {
    return known(code) ? StatusTable.MESSAGES[code] : "unknown status";
  }

  /** The tether_status code (see {@link Status}). */
  public int code() {
    return code;
  }

  /** The status name, e.g. {@code TETHER_WOULD_BLOCK}. */
  public String statusName() {
    return name(code);
  }

  /** The same call may succeed later. */
  public boolean retryable() {
    return known(code) && StatusTable.RETRYABLE[code];
  }

  /** The handle that raised it accepts no more input. */
  public boolean fatal() {
    return known(code) && StatusTable.FATAL[code];
  }

  /** The tether_status_family number (1 backpressure .. 5 resource). */
  public int family() {
    return known(code) ? StatusTable.FAMILIES[code] : 5;
  }

  /** The exception for status {@code code} with a detail text (may be null or empty). */
  public static TetherException of(int code, String detail) {
    if (code == Status.OK) {
      throw new IllegalArgumentException("TETHER_OK is not an error");
    }
    return StatusTable.exception(code, detail);
  }
}
