package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.jni.TetherNative;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated classes against the library's live status table. */
class ExceptionsTest {
  @Test
  void everyCodeOfTheLiveTableHasItsOwnClassWithTheTablesFlags() {
    Set<Class<?>> classes = new HashSet<>();
    for (int code = 1; code < StatusTable.SIZE; code++) {
      TetherException e = TetherException.of(code, "detail");
      assertEquals(code, e.code());
      assertEquals(TetherNative.tether_status_name(code), e.statusName());
      assertEquals(TetherNative.tether_status_is_retryable(code) != 0, e.retryable(), e.statusName());
      assertEquals(TetherNative.tether_status_is_fatal(code) != 0, e.fatal(), e.statusName());
      assertTrue(e.getMessage().startsWith(e.statusName() + ": " + TetherNative.tether_status_str(code)));
      assertTrue(e.getMessage().endsWith(": detail"));
      assertTrue(classes.add(e.getClass()), "one class per code: " + e.getClass());
      assertEquals(e.getClass().getSuperclass().getSuperclass(), TetherException.class);
    }
    assertEquals("unknown status", TetherNative.tether_status_str(StatusTable.SIZE),
        "the table ends where the library's codes end");
  }

  @Test
  void familiesGroupTheCodes() {
    assertInstanceOf(BackpressureException.class, TetherException.of(Status.WOULD_BLOCK, ""));
    assertInstanceOf(LimitException.class, TetherException.of(Status.MESSAGE_TOO_LARGE, ""));
    assertInstanceOf(ProtocolException.class, TetherException.of(Status.UNKNOWN_TYPE, ""));
    assertInstanceOf(UsageException.class, TetherException.of(Status.INVALID_ARGUMENT, ""));
    assertInstanceOf(ResourceException.class, TetherException.of(Status.NO_MEMORY, ""));
    assertTrue(TetherException.of(Status.WOULD_BLOCK, "").retryable());
    assertTrue(TetherException.of(Status.STREAM_FAILED, "").fatal());
  }

  @Test
  void okIsNoException() {
    assertThrows(IllegalArgumentException.class, () -> TetherException.of(Status.OK, ""));
  }
}
