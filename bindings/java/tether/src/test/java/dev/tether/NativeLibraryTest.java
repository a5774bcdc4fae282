package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {
  @Test
  void loadsForThisPlatform() {
    assertTrue(NativeLibrary.platform().matches("[a-z]+-[a-z0-9_]+"), NativeLibrary.platform());
    assertEquals("0.1.0", Tether.version());
  }

  @Test
  void aPlatformWithoutLibrariesIsNamedInTheError() {
    UnsatisfiedLinkError e =
        assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.folder("plan9-mips"));
    assertTrue(e.getMessage().contains("plan9-mips"), e.getMessage());
  }
}
