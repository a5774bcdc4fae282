package dev.tether;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DecoderTest {
  @Test
  void framesSplitAnywhere() {
    byte[] wire = Wire.concat(Wire.frame(0x0401, 0, "abc".getBytes()), Wire.frame(3, 0, new byte[0]));
    try (Decoder d = new Decoder()) {
      ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
      while (direct.hasRemaining()) {
        ByteBuffer one = direct.slice().limit(1);
        d.feed(one);
        direct.position(direct.position() + 1);
      }
      Frame f = d.next();
      assertEquals(0x0401, f.type());
      assertArrayEquals("abc".getBytes(), f.payload());
      assertEquals(3, d.next().type());
      assertNull(d.next());
      d.finish();
    }
  }

  @Test
  void limitsAndTruncation() {
    try (Decoder d = new Decoder(16, 0, false)) {
      assertThrows(FrameTooLargeException.class, () -> d.feed(Tether.frameHeader(0x0400, 0, 17)));
      assertThrows(StreamFailedException.class, () -> d.feed(new byte[1]));
    }
    try (Decoder d = new Decoder()) {
      assertThrows(BadFlagsException.class, () -> d.feed(Tether.frameHeader(0x0400, Tether.FLAG_CONTINUED, 1)));
    }
    try (Decoder d = new Decoder()) {
      d.feed(new byte[3]);
      assertThrows(TruncatedException.class, d::finish);
    }
  }
}
