package dev.tether;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvocationTest {
  /** Polls and collects output until DONE. */
  static List<Frame> drain(Invocation inv) {
    return Wire.frames(drainBytes(inv));
  }

  static byte[] drainBytes(Invocation inv) {
    ByteArrayCollector out = new ByteArrayCollector();
    for (int i = 0; i < 100 && inv.state() != Invocation.State.DONE; i++) {
      inv.poll();
      out.add(inv.takeOutput(Integer.MAX_VALUE));
    }
    out.add(inv.takeOutput(Integer.MAX_VALUE));
    return out.bytes();
  }

  static final class ByteArrayCollector {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    void add(byte[] b) {
      out.writeBytes(b);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  @Test
  void startAndInputRunTheHandlerAndCompleteGivesOutputAndEnd() {
    try (Invocation inv = new Invocation(new SessionOptions().protocolVersion(5), 0)) {
      assertEquals(Invocation.State.WAITING_START, inv.state());
      inv.feed(Wire.concat(Wire.start(), Wire.input("payload".getBytes())));
      assertEquals(Invocation.Event.RUN, inv.poll());
      InvocationInput input = inv.input();
      assertArrayEquals("payload".getBytes(), input.value());
      assertEquals("inv_test", input.debugId());
      assertArrayEquals(new byte[] {1, 2, 3, 4}, input.id());
      assertEquals(1, input.knownEntries());
      inv.complete(input.value());
      List<Frame> out = drain(inv);
      assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(out));
      byte[] value = Wire.field(out.get(0).payload(), 14).bytes();
      assertArrayEquals("payload".getBytes(), Wire.field(value, 1).bytes());
      assertNull(inv.poll(), "nothing after DONE");
    }
  }

  @Test
  void outputOverTheLimitBecomesATerminalFailure413() {
    try (Invocation inv = new Invocation(new SessionOptions(), 1000)) {
      inv.feed(Wire.concat(Wire.start(), Wire.input(new byte[0])));
      assertEquals(Invocation.Event.RUN, inv.poll());
      MessageTooLargeException e =
          assertThrows(MessageTooLargeException.class, () -> inv.complete(new byte[5000]));
      assertTrue(e.getMessage().contains("1000"), e.getMessage());
      List<Frame> out = drain(inv);
      assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(out));
      byte[] failure = Wire.field(out.get(0).payload(), 15).bytes();
      assertEquals(413, Wire.field(failure, 1).varint());
      String message = new String(Wire.field(failure, 2).bytes(), StandardCharsets.UTF_8);
      assertTrue(message.contains("1000"), message);
    }
  }

  @Test
  void streamedOutputIsOneOutputCommandAndQueuesNoMoreThanTheWatermark() {
    final int total = 10 << 20;
    final long high = 4 << 20;
    byte[] piece = new byte[64 << 10];
    try (Invocation inv = new Invocation()) {
      inv.feed(Wire.concat(Wire.start(), Wire.input(new byte[0])));
      assertEquals(Invocation.Event.RUN, inv.poll());
      inv.beginOutput(total);
      ByteArrayCollector out = new ByteArrayCollector();
      int written = 0, blocked = 0;
      while (written < total) {
        for (int i = 0; i < piece.length; i++) {
          piece[i] = (byte) ((written + i) * 31);
        }
        try {
          written += inv.writeOutput(piece, 0, Math.min(piece.length, total - written));
        } catch (WouldBlockException e) {
          blocked++;
          assertTrue(inv.pendingOutput() <= high + piece.length, "queued " + inv.pendingOutput());
          out.add(inv.takeOutput(Integer.MAX_VALUE));
          inv.poll();
        }
      }
      inv.finishOutput();
      out.add(drainBytes(inv));
      assertTrue(blocked > 0, "the watermark never pushed back");
      List<Frame> frames = Wire.frames(out.bytes());
      assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(frames));
      byte[] value = Wire.field(Wire.field(frames.get(0).payload(), 14).bytes(), 1).bytes();
      assertEquals(total, value.length);
      for (int i = 0; i < total; i++) {
        if (value[i] != (byte) (i * 31)) {
          throw new AssertionError("byte " + i + " differs");
        }
      }
    }
  }

  @Test
  void streamedOutputMisuseIsRefused() {
    try (Invocation inv = new Invocation(new SessionOptions(), 1000)) {
      assertThrows(InvalidStateException.class, () -> inv.beginOutput(10), "before RUN");
      inv.feed(Wire.concat(Wire.start(), Wire.input(new byte[0])));
      assertEquals(Invocation.Event.RUN, inv.poll());
      assertThrows(InvalidArgumentException.class, () -> inv.beginOutput(-1));
      assertThrows(InvalidStateException.class, () -> inv.writeOutput(new byte[1], 0, 1),
          "write before begin");
      assertThrows(InvalidStateException.class, inv::finishOutput, "finish before begin");
      inv.beginOutput(10);
      assertThrows(InvalidStateException.class, () -> inv.beginOutput(10), "two at once");
      assertThrows(InvalidStateException.class, () -> inv.complete(new byte[1]), "complete meanwhile");
      assertThrows(InvalidArgumentException.class, () -> inv.writeOutput(new byte[11], 0, 11),
          "past the length");
      assertThrows(InvalidArgumentException.class, () -> inv.writeOutput(new byte[4], 2, 4),
          "range outside the array");
      assertEquals(4, inv.writeOutput(java.nio.ByteBuffer.wrap(new byte[4])));
      assertThrows(InvalidStateException.class, inv::finishOutput, "6 bytes short");
      assertEquals(6, inv.writeOutput(new byte[6], 0, 6));
      inv.finishOutput();
      assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(drain(inv)));
    }
    Invocation inv = new Invocation(new SessionOptions(), 1000);
    inv.feed(Wire.concat(Wire.start(), Wire.input(new byte[0])));
    assertEquals(Invocation.Event.RUN, inv.poll());
    assertThrows(MessageTooLargeException.class, () -> inv.beginOutput(5000));
    List<Frame> out = drain(inv);
    assertEquals(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_END), Wire.types(out));
    assertEquals(413, Wire.field(Wire.field(out.get(0).payload(), 15).bytes(), 1).varint());
    inv.close();
    assertThrows(ClosedException.class, () -> inv.writeOutput(new byte[1], 0, 1));
  }

  @Test
  void failuresAndStateErrors() {
    try (Invocation inv = new Invocation()) {
      assertThrows(InvalidStateException.class, inv::input);
      assertThrows(InvalidStateException.class, () -> inv.complete(new byte[0]));
      inv.feed(Wire.concat(Wire.start(), Wire.input(new byte[0])));
      assertEquals(Invocation.Event.RUN, inv.poll());
      assertThrows(InvalidArgumentException.class, () -> inv.failTerminal(400, null));
      inv.failRetryable(500, "try again");
      List<Frame> out = drain(inv);
      assertEquals(List.of(Tether.MSG_ERROR), Wire.types(out));
      assertEquals(500, Wire.field(out.get(0).payload(), 1).varint());
    }
  }

  @Test
  void contentTypes() {
    assertEquals(5, Invocation.contentTypeVersion("application/vnd.restate.invocation.v5"));
    assertThrows(
        UnsupportedVersionException.class,
        () -> Invocation.contentTypeVersion("application/vnd.restate.invocation.v4"));
    assertThrows(InvalidArgumentException.class, () -> Invocation.contentTypeVersion("text/plain"));
  }

  @Test
  void headersOfTheInputAreCopied() {
    java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    Wire.bytesField(header, 1, "k".getBytes());
    Wire.bytesField(header, 2, "v".getBytes());
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    Wire.bytesField(body, 1, header.toByteArray());
    byte[] input = Wire.frame(Tether.MSG_INPUT_COMMAND, 0, body.toByteArray());
    try (Invocation inv = new Invocation()) {
      inv.feed(Wire.concat(Wire.start(), input));
      assertEquals(Invocation.Event.RUN, inv.poll());
      assertEquals(List.of(new InvocationInput.Header("k", "v")), new ArrayList<>(inv.input().headers()));
    }
  }
}
