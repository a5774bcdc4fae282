package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExtensionsTest {
  @Test
  void parseAndFormat() {
    assertEquals("tether-extensions", Extensions.HEADER);
    assertEquals("ping/1, chunked/1", Extensions.offer());
    assertEquals(Extensions.ALL, Extensions.parse("ping/1, chunked/1", Extensions.ALL));
    assertEquals(Extensions.PING, Extensions.parse(" PING/1 ,ping/1, future/3", Extensions.ALL));
    assertEquals(Extensions.PING, Extensions.parse("ping/1, chunked/1", Extensions.PING));
    assertEquals(0, Extensions.parse(null, Extensions.ALL));
    assertEquals("", Extensions.format(0));
    assertEquals("chunked/1", Extensions.format(Extensions.CHUNKED));
  }

  @Test
  void malformedValuesAreRefusedNamingTheProblem() {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> Extensions.parse("ping/1, bad token!", Extensions.ALL));
    assertTrue(e.getMessage().contains(Extensions.HEADER), e.getMessage());
    assertThrows(InvalidArgumentException.class,
        () -> Extensions.parse("ping/1,".repeat(Extensions.MAX_LENGTH), Extensions.ALL));
    assertThrows(InvalidArgumentException.class, () -> Extensions.format(0x80));
  }
}
