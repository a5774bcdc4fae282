package dev.tether;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTest {
  static SessionOptions negotiated() {
    return new SessionOptions().extensions(Extensions.ALL);
  }

  @Test
  void pingIsAnsweredByTheDispatchStepInStreamOrder() {
    try (Session s = new Session(negotiated())) {
      byte[] nonce = "nonce-1".getBytes(StandardCharsets.UTF_8);
      byte[] wire = Wire.concat(Wire.start(), Wire.ping(nonce), Wire.input("hi".getBytes()));
      // split at every byte: the parser takes input split anywhere
      for (int i = 0; i < wire.length; i++) {
        assertEquals(1, s.feed(wire, i, 1));
      }
      assertEquals(0, s.pendingOutput(), "nothing is answered before the dispatch step");
      Event start = s.nextEvent();
      assertEquals(Event.Kind.MESSAGE, start.kind());
      assertEquals(Tether.MSG_START, start.type());
      Event ping = s.nextEvent();
      assertEquals(Event.Kind.PING, ping.kind());
      assertArrayEquals(nonce, ping.data());
      assertTrue(ping.answered());
      List<Frame> out = Wire.frames(s.takeOutput());
      assertEquals(List.of(Tether.MSG_PONG), Wire.types(out));
      assertArrayEquals(nonce, Wire.field(out.get(0).payload(), 1).bytes());
      Event input = s.nextEvent();
      assertEquals(Tether.MSG_INPUT_COMMAND, input.type());
      assertNull(s.nextEvent());
      assertEquals(1, s.stats().pingsAnswered());
    }
  }

  @Test
  void sendFramesAndChunksAboveTheFrameBound() {
    try (Session s = new Session(negotiated().maxFramePayload(1000))) {
      byte[] payload = new byte[2500];
      payload[2499] = 7;
      s.send(Tether.MSG_OUTPUT_COMMAND, payload);
      s.send(Tether.MSG_END, new byte[0]);
      List<Frame> frames = Wire.frames(s.takeOutput());
      assertEquals(4, frames.size(), "three chunks and End");
      assertEquals(Tether.FLAG_CONTINUED, frames.get(0).flags() & Tether.FLAG_CONTINUED);
      assertEquals(0, frames.get(2).flags() & Tether.FLAG_CONTINUED);
      assertEquals(Tether.MSG_END, frames.get(3).type());
      assertEquals(3, s.stats().chunksOut());
    }
  }

  @Test
  void directAndHeapBuffersInAndOut() {
    try (Session s = new Session(negotiated())) {
      byte[] wire = Wire.concat(Wire.start(), Wire.input("direct".getBytes()));
      ByteBuffer direct = ByteBuffer.allocateDirect(wire.length + 10);
      direct.position(10);
      direct.put(wire);
      direct.position(10);
      assertEquals(wire.length, s.feed(direct));
      assertEquals(direct.limit(), direct.position());
      assertEquals(Tether.MSG_START, s.nextEvent().type());
      byte[] frame = Wire.input("direct".getBytes());
      assertArrayEquals(Arrays.copyOfRange(frame, 8, frame.length), s.nextEvent().data());
      ByteBuffer payload = ByteBuffer.allocateDirect(5);
      payload.put("hello".getBytes()).flip();
      s.send(Tether.MSG_OUTPUT_COMMAND, payload);
      assertEquals(0, payload.remaining());
      ByteBuffer heap = ByteBuffer.allocate(6);
      assertEquals(6, s.takeOutput(heap), "stops at the target's space");
      ByteBuffer rest = ByteBuffer.allocateDirect(64);
      assertEquals(7, s.takeOutput(rest));
      rest.flip();
      byte[] all = new byte[13];
      System.arraycopy(heap.array(), 0, all, 0, 6);
      rest.get(all, 6, 7);
      Frame f = Wire.frames(all).get(0);
      assertArrayEquals("hello".getBytes(), f.payload());
    }
  }

  @Test
  void feedPushesBackWhenTheInboundBudgetIsFull() {
    long limit = 4096;
    SessionOptions o = negotiated().maxMessageSize(limit).maxFramePayload(1024).inboundBudget(limit + 1024 + 8);
    try (Session s = new Session(o)) {
      byte[] message = Wire.frame(Tether.MSG_INPUT_COMMAND, 0, new byte[1000]);
      byte[] wire = Wire.concat(message, message, message, message, message, message, message);
      int taken = s.feed(wire);
      assertTrue(taken < wire.length, "the budget took " + taken + " of " + wire.length);
      int events = 0;
      int off = taken;
      while (off < wire.length) {
        Event e = s.nextEvent();
        assertNotNull(e, "dispatching makes room");
        events++;
        off += s.feed(wire, off, wire.length - off);
      }
      while (s.nextEvent() != null) {
        events++;
      }
      assertEquals(7, events);
    }
  }

  @Test
  void malformedInputFailsTheStreamWithAnErrorMessage() {
    try (Session s = new Session(negotiated())) {
      byte[] bad = Wire.frame(0x0100, 0, new byte[0]); // unknown control type
      UnknownTypeException e = assertThrows(UnknownTypeException.class, () -> s.feed(bad));
      assertTrue(e.fatal());
      assertEquals(Status.UNKNOWN_TYPE, e.code());
      assertTrue(e.getMessage().contains("TETHER_UNKNOWN_TYPE"), e.getMessage());
      List<Frame> out = Wire.frames(s.takeOutput());
      assertEquals(List.of(Tether.MSG_ERROR), Wire.types(out));
      assertEquals(571, Wire.field(out.get(0).payload(), 1).varint());
      assertThrows(StreamFailedException.class, () -> s.feed(Wire.start()));
    }
  }

  @Test
  void pingWithoutNegotiationIsAProtocolViolation() {
    try (Session s = new Session(new SessionOptions())) {
      s.feed(Wire.start());
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> s.feed(Wire.ping(new byte[] {1})));
      List<Frame> out = Wire.frames(s.takeOutput());
      assertEquals(571, Wire.field(out.get(out.size() - 1).payload(), 1).varint(), e.getMessage());
    }
  }

  @Test
  void oversizeSendQueuesNothingAndTheSessionStaysUsable() {
    try (Session s = new Session(negotiated().maxMessageSize(1024))) {
      MessageTooLargeException e =
          assertThrows(
              MessageTooLargeException.class,
              () -> s.send(Tether.MSG_OUTPUT_COMMAND, new byte[1025]));
      assertEquals(false, e.fatal());
      assertEquals(0, s.pendingOutput());
      s.send(Tether.MSG_OUTPUT_COMMAND, new byte[1024]);
      assertEquals(1024 + 8, s.takeOutput().length);
    }
  }
}
