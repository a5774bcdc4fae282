package dev.tether.examples;

import dev.tether.ClosedException;
import dev.tether.Decoder;
import dev.tether.Event;
import dev.tether.Extensions;
import dev.tether.Frame;
import dev.tether.Session;
import dev.tether.SessionOptions;
import dev.tether.Tether;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The README's example, no network needed: a Start, a Ping and an Input chunked in 1 KiB
 * frames go into a {@link Session}; the dispatch loop answers the Ping and echoes the input
 * as output (chunked again), a second Ping arrives before End, and the frames written are
 * printed.
 */
public final class SessionRoundtrip {
  private SessionRoundtrip() {}

  static byte[] frame(int type, int flags, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Tether.frameHeader(type, flags, payload.length));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** A protobuf message with one length-delimited field. */
  static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(number << 3 | 2);
    for (int n = value.length; ; n >>>= 7) { // the length as a varint
      if (n < 0x80) {
        out.write(n);
        break;
      }
      out.write(n & 0x7F | 0x80);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  public static void main(String[] args) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream(); // what a runtime would send
    wire.writeBytes(frame(Tether.MSG_START, 0, new byte[] {0x18, 1})); // known_entries = 1
    wire.writeBytes(frame(Tether.MSG_PING, 0, field(1, "nonce-1".getBytes())));
    byte[] input = field(14, field(1, new byte[3000 - 6])); // InputCommand{value{content}}: 3000 bytes
    for (int off = 0; off < input.length; off += 1024) { // chunked/1: CONTINUED on all but the last
      int n = Math.min(1024, input.length - off);
      int flags = off + n < input.length ? Tether.FLAG_CONTINUED : 0;
      wire.writeBytes(frame(Tether.MSG_INPUT_COMMAND, flags, java.util.Arrays.copyOfRange(input, off, off + n)));
    }
    wire.writeBytes(frame(Tether.MSG_PING, 0, field(1, "nonce-2".getBytes())));

    SessionOptions options = new SessionOptions().extensions(Extensions.ALL).maxFramePayload(1024);
    ByteArrayOutputStream written = new ByteArrayOutputStream(); // what the transport writes
    try (Session s = new Session(options)) {
      s.feed(ByteBuffer.wrap(wire.toByteArray()));
      Event event;
      while ((event = s.nextEvent()) != null) { // the dispatch loop: Pongs are queued right here
        if (event.kind() == Event.Kind.PING) {
          System.out.println("Ping " + new String(event.data()) + " answered=" + event.answered());
        } else if (event.type() == Tether.MSG_INPUT_COMMAND) {
          System.out.println("InputCommand of " + event.data().length + " bytes, reassembled from chunks");
          s.send(Tether.MSG_OUTPUT_COMMAND, event.data()); // echo: chunked again on the way out
          written.writeBytes(s.takeOutput());
        }
      }
      s.send(Tether.MSG_END, new byte[0]);
      written.writeBytes(s.takeOutput());
      try {
        s.send(Tether.MSG_OUTPUT_COMMAND, new byte[1]);
      } catch (ClosedException e) {
        System.out.println("send after End: " + e.getClass().getSimpleName());
      }
    }
    try (Decoder d = new Decoder(1024, 0, true)) {
      d.feed(written.toByteArray());
      for (Frame f; (f = d.next()) != null; ) {
        System.out.printf("  out: 0x%04x flags 0x%04x %d bytes%n", f.type(), f.flags(), f.payload().length);
      }
    }
  }
}
