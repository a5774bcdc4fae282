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
    ByteArrayCollector out = new ByteArrayCollector();
    for (int i = 0; i < 100 && inv.state() != Invocation.State.DONE; i++) {
      inv.poll();
      out.add(inv.takeOutput(Integer.MAX_VALUE));
    }
    out.add(inv.takeOutput(Integer.MAX_VALUE));
    return Wire.frames(out.bytes());
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
