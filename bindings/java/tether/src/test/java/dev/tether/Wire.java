package dev.tether;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Protocol messages for the tests, encoded by hand (protobuf varints and byte fields). */
public final class Wire {
  private Wire() {}

  public static byte[] frame(int type, int flags, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Tether.frameHeader(type, flags, payload.length));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  public static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    varint(out, ((long) field << 3) | 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  /** StartMessage{id, debug_id, known_entries = 1}. */
  public static byte[] start() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytesField(out, 1, new byte[] {1, 2, 3, 4});
    bytesField(out, 2, "inv_test".getBytes(StandardCharsets.UTF_8));
    varint(out, 3 << 3);
    varint(out, 1);
    return frame(Tether.MSG_START, 0, out.toByteArray());
  }

  /** InputCommandMessage{value = Value{content}}. */
  public static byte[] input(byte[] content) {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    bytesField(value, 1, content);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytesField(out, 14, value.toByteArray());
    return frame(Tether.MSG_INPUT_COMMAND, 0, out.toByteArray());
  }

  public static byte[] pingPayload(byte[] nonce) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytesField(out, 1, nonce);
    return out.toByteArray();
  }

  public static byte[] ping(byte[] nonce) {
    return frame(Tether.MSG_PING, 0, pingPayload(nonce));
  }

  /** Every frame in bytes (a decoder that accepts chunks). */
  public static List<Frame> frames(byte[] bytes) {
    try (Decoder d = new Decoder(64L << 20, 128L << 20, true)) {
      List<Frame> frames = new ArrayList<>();
      int off = 0;
      while (off < bytes.length) {
        off += d.feed(bytes, off, bytes.length - off);
        for (Frame f; (f = d.next()) != null; ) {
          frames.add(f);
        }
      }
      d.finish();
      return frames;
    }
  }

  public static List<Integer> types(List<Frame> frames) {
    List<Integer> types = new ArrayList<>();
    for (Frame f : frames) {
      types.add(f.type());
    }
    return types;
  }

  /** One protobuf field: number, and either a varint or the bytes of a length-delimited one. */
  public record Field(int number, long varint, byte[] bytes) {}

  /** The fields of a protobuf message (varint and length-delimited only). */
  public static List<Field> fields(byte[] message) {
    List<Field> fields = new ArrayList<>();
    int[] at = {0};
    while (at[0] < message.length) {
      long key = readVarint(message, at);
      long value = readVarint(message, at);
      switch ((int) (key & 7)) {
        case 0:
          fields.add(new Field((int) (key >>> 3), value, null));
          break;
        case 2:
          byte[] bytes = new byte[(int) value];
          System.arraycopy(message, at[0], bytes, 0, bytes.length);
          at[0] += bytes.length;
          fields.add(new Field((int) (key >>> 3), 0, bytes));
          break;
        default:
          throw new IllegalArgumentException("unexpected wire type " + (key & 7));
      }
    }
    return fields;
  }

  private static long readVarint(byte[] message, int[] at) {
    long value = 0;
    int shift = 0;
    int b;
    do {
      b = message[at[0]++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return value;
  }

  /** The first field numbered `number`, or null. */
  public static Field field(byte[] message, int number) {
    for (Field f : fields(message)) {
      if (f.number() == number) {
        return f;
      }
    }
    return null;
  }
}
