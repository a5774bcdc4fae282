package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Misuse gets an exception naming what was wrong, never a crash of the JVM. */
class MisuseTest {
  @Test
  void closedHandlesThrowClosed() {
    Session s = new Session();
    s.close();
    s.close(); // idempotent
    assertTrue(s.isClosed());
    ClosedException e = assertThrows(ClosedException.class, () -> s.feed(new byte[1]));
    assertTrue(e.getMessage().contains("session is closed"), e.getMessage());
    assertThrows(ClosedException.class, s::nextEvent);
    assertThrows(ClosedException.class, () -> s.send(Tether.MSG_END, new byte[0]));
    assertThrows(ClosedException.class, s::takeOutput);
    assertThrows(ClosedException.class, s::stats);
    assertEquals("", s.lastError());
    Decoder d = new Decoder();
    d.close();
    assertThrows(ClosedException.class, d::next);
    Invocation i = new Invocation();
    i.close();
    assertThrows(ClosedException.class, i::poll);
    Prober p = new Prober();
    p.close();
    assertThrows(ClosedException.class, () -> p.addStream(1, "d"));
  }

  @Test
  void nullsAndBadRangesAreInvalidArguments() {
    try (Session s = new Session()) {
      assertThrows(InvalidArgumentException.class, () -> s.feed((byte[]) null));
      assertThrows(InvalidArgumentException.class, () -> s.feed((ByteBuffer) null));
      assertThrows(InvalidArgumentException.class, () -> s.feed(new byte[4], 3, 2));
      assertThrows(InvalidArgumentException.class, () -> s.feed(new byte[4], -1, 1));
      assertThrows(InvalidArgumentException.class, () -> s.send(Tether.MSG_OUTPUT_COMMAND, (byte[]) null));
      assertThrows(
          InvalidArgumentException.class, () -> s.send(Tether.MSG_OUTPUT_COMMAND, (ByteBuffer) null));
      assertThrows(InvalidArgumentException.class, () -> s.send(0x10000, new byte[0]));
      assertThrows(InvalidArgumentException.class, () -> s.takeOutput(-1));
      assertThrows(InvalidArgumentException.class, () -> s.takeOutput((ByteBuffer) null));
      assertThrows(
          InvalidArgumentException.class, () -> s.takeOutput(ByteBuffer.allocate(4).asReadOnlyBuffer()));
      InvalidArgumentException ping =
          assertThrows(InvalidArgumentException.class, () -> s.send(Tether.MSG_PING, new byte[0]));
      assertTrue(ping.getMessage().contains("TETHER_INVALID_ARGUMENT"), ping.getMessage());
    }
    assertThrows(InvalidArgumentException.class, () -> new Session(null));
    assertThrows(InvalidArgumentException.class, () -> new Prober().addStream(1, null));
    assertThrows(InvalidArgumentException.class, () -> Invocation.contentTypeVersion(null));
  }

  @Test
  void badOptionsAreRefusedWithTheStatus() {
    assertThrows(
        InvalidArgumentException.class, () -> new Session(new SessionOptions().protocolVersion(4)));
    assertThrows(
        InvalidArgumentException.class, () -> new Session(new SessionOptions().maxMessageSize(-1)));
    assertThrows(
        InvalidArgumentException.class,
        () -> new Session(new SessionOptions().outboundHighWatermark(10).outboundLowWatermark(20)));
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> new Prober(new Prober.Options().intervalNanos(1).suspectIntervalNanos(2)));
    assertTrue(e.getMessage().contains("interval"), e.getMessage());
  }

  @Test
  void oversizeInputFailsBeforeItsPayloadIsBuffered() {
    try (Session s = new Session(new SessionOptions().maxMessageSize(1024).maxFramePayload(1024))) {
      byte[] header = Tether.frameHeader(Tether.MSG_INPUT_COMMAND, 0, 1 << 30);
      assertThrows(LimitException.class, () -> s.feed(header));
      assertTrue(s.stats().peakInboundBuffered() < 2048);
    }
  }

  @Test
  void handlesLeftToTheCleanerAreFreedWithoutACrash() throws Exception {
    for (int i = 0; i < 2000; i++) {
      Session s = new Session();
      s.feed(Wire.start());
      new Decoder().feed(new byte[3]);
    }
    System.gc();
    Thread.sleep(100);
    System.gc();
    try (Session s = new Session()) {
      s.feed(Wire.start());
      assertEquals(Tether.MSG_START, s.nextEvent().type());
    }
  }
}
