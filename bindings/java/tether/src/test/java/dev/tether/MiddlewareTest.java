package dev.tether;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiddlewareTest {
  @Test
  void pingsAreAnsweredAndChunksReachTheSdkAsPlainFrames() {
    SessionOptions o = new SessionOptions().protocolVersion(5).extensions(Extensions.ALL).maxFramePayload(100);
    try (Middleware m = new Middleware(o, 0)) {
      byte[] input = Wire.input(new byte[250]);
      byte[] payload = Arrays.copyOfRange(input, 8, input.length);
      byte[] chunked = Wire.concat(
          Wire.frame(Tether.MSG_INPUT_COMMAND, Tether.FLAG_CONTINUED, Arrays.copyOfRange(payload, 0, 100)),
          Wire.ping("between".getBytes()),
          Wire.frame(Tether.MSG_INPUT_COMMAND, Tether.FLAG_CONTINUED, Arrays.copyOfRange(payload, 100, 200)),
          Wire.frame(Tether.MSG_INPUT_COMMAND, 0, Arrays.copyOfRange(payload, 200, payload.length)));
      byte[] wire = Wire.concat(Wire.start(), chunked);
      assertEquals(wire.length, m.feed(ByteBuffer.wrap(wire)));
      m.finishInput();
      byte[] sdk = m.takeSdkInput();
      assertArrayEquals(Wire.concat(Wire.start(), input), sdk, "Start and the reassembled Input, plain");
      assertNull(m.takeSdkInput(), "input finished and all taken");
      List<Frame> out = Wire.frames(m.takeOutput());
      assertEquals(List.of(Tether.MSG_PONG), Wire.types(out));
      assertEquals(1, m.stats().pingsAnswered());
    }
  }

  @Test
  void anOversizeSdkMessageIsReplacedBy413AndEnd() {
    try (Middleware m = new Middleware(new SessionOptions().protocolVersion(5), 1000)) {
      byte[] big = Wire.frame(Tether.MSG_OUTPUT_COMMAND, 0, new byte[5000]);
      byte[] end = Wire.frame(Tether.MSG_END, 0, new byte[0]);
      assertEquals(big.length, m.sdkOutput(big, 0, big.length));
      assertTrue(m.replaced());
      assertEquals(end.length, m.sdkOutput(end, 0, end.length), "later output is taken and dropped");
      assertTrue(m.sdkOutputEnd());
      List<Frame> out = Wire.frames(m.takeOutput());
      assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(out));
      byte[] failure = Wire.field(out.get(0).payload(), 15).bytes();
      assertEquals(413, Wire.field(failure, 1).varint());
      String message = new String(Wire.field(failure, 2).bytes(), StandardCharsets.UTF_8);
      assertTrue(message.contains("1000"), message);
    }
  }

  @Test
  void aLargeSdkFrameInAHeapBufferPassesInPiecesUnderTheWatermark() {
    byte[] value = new byte[10 << 20];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 7);
    }
    byte[] output = Wire.concat(Wire.frame(Tether.MSG_OUTPUT_COMMAND, 0, value), Wire.frame(Tether.MSG_END, 0, new byte[0]));
    try (Middleware m = new Middleware(new SessionOptions().protocolVersion(5), 0)) {
      ByteBuffer sdk = ByteBuffer.wrap(output).asReadOnlyBuffer(); // as the SDK's Slice gives it
      java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
      int calls = 0;
      while (sdk.hasRemaining()) {
        int before = sdk.position();
        int taken = m.sdkOutput(sdk);
        assertEquals(before + taken, sdk.position());
        assertTrue(taken <= Bytes.STAGING_KEEP, "one staging window per call, took " + taken);
        if (m.outputBlocked()) {
          assertTrue(m.pendingOutput() <= (4 << 20) + Bytes.STAGING_KEEP, "queued " + m.pendingOutput());
          wire.writeBytes(m.takeOutput());
          m.retrySdkOutput();
        }
        calls++;
      }
      assertTrue(m.sdkOutputEnd());
      wire.writeBytes(m.takeOutput());
      assertArrayEquals(output, wire.toByteArray(), "the frames unchanged");
      assertTrue(calls > 100, calls + " calls");
    }
  }

  @Test
  void withoutNegotiationTheOutputIsByteTransparent() {
    try (Middleware m = new Middleware(new SessionOptions().protocolVersion(5), 0)) {
      byte[] output = Wire.concat(Wire.frame(Tether.MSG_OUTPUT_COMMAND, 0, "abc".getBytes()), Wire.frame(Tether.MSG_END, 0, new byte[0]));
      for (int i = 0; i < output.length; i++) { // split anywhere
        assertEquals(1, m.sdkOutput(output, i, 1));
      }
      assertTrue(m.sdkOutputEnd());
      assertFalse(m.replaced());
      assertArrayEquals(output, m.takeOutput());
    }
  }

  @Test
  void malformedInputIsFatalWithA571AndTheSdkGetsNothing() {
    try (Middleware m = new Middleware(new SessionOptions().protocolVersion(5), 0)) {
      m.feed(Wire.start());
      try {
        m.feed(Wire.ping(new byte[] {1})); // not negotiated
      } catch (ProtocolException e) {
        // the feed may see it first; take_sdk_input reports it then too
      }
      ProtocolException e = assertThrows(ProtocolException.class, m::takeSdkInput);
      assertTrue(e.fatal(), e.getMessage());
      List<Frame> out = Wire.frames(m.takeOutput());
      assertEquals(Tether.MSG_ERROR, out.get(out.size() - 1).type());
      assertEquals(571, Wire.field(out.get(out.size() - 1).payload(), 1).varint());
    }
  }

  @Test
  void misuse() {
    Middleware m = new Middleware();
    assertThrows(InvalidArgumentException.class, () -> m.sdkOutput((ByteBuffer) null));
    assertThrows(InvalidArgumentException.class, () -> new Middleware(new SessionOptions(), -1));
    byte[] ping = Wire.ping(new byte[] {1});
    assertThrows(InvalidArgumentException.class, () -> m.sdkOutput(ping, 0, ping.length));
    m.close();
    assertThrows(ClosedException.class, m::takeSdkInput);
    assertFalse(m.outputBlocked());
  }
}
