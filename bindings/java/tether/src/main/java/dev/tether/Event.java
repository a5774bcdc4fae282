package dev.tether;

/**
 * One dispatch step of a {@link Session}: a MESSAGE for the handler (type, flags, payload),
 * a PING that was dispatched (data = nonce; answered: its Pong was queued), or WRITABLE
 * (output drained below the low watermark: send may go on). data is a copy.
 */
public record Event(Kind kind, int type, int flags, byte[] data, boolean answered) {
  public enum Kind {
    MESSAGE,
    PING,
    WRITABLE;

    static Kind of(int kind) {
      switch (kind) {
        case 1:
          return MESSAGE;
        case 2:
          return PING;
        case 3:
          return WRITABLE;
        default:
          throw new InternalException("unknown event kind " + kind);
      }
    }
  }
}
