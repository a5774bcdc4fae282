package dev.tether;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** 100k sessions through a whole exchange: neither the heap nor the process grows. */
class LeakTest {
  static long rssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  static long heapUsed() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  static void exchange(int n) {
    byte[] wire = Wire.concat(Wire.start(), Wire.ping(new byte[] {1, 2}), Wire.input(new byte[512]));
    for (int i = 0; i < n; i++) {
      try (Session s = new Session(SessionTest.negotiated())) {
        s.feed(wire);
        while (s.nextEvent() != null) {}
        s.send(Tether.MSG_OUTPUT_COMMAND, new byte[512]);
        s.send(Tether.MSG_END, new byte[0]);
        s.takeOutput();
      }
    }
  }

  @Test
  void hundredThousandSessionsWithoutGrowth() throws Exception {
    exchange(20_000); // warm-up: JIT, allocator arenas, heap sizing
    long heapBefore = heapUsed();
    long rssBefore = rssKiB();
    exchange(100_000);
    long heapAfter = heapUsed();
    long rssAfter = rssKiB();
    System.out.printf(
        "100k sessions: heap %d -> %d KiB, RSS %d -> %d KiB%n",
        heapBefore / 1024, heapAfter / 1024, rssBefore, rssAfter);
    assertTrue(heapAfter - heapBefore < 8L << 20, "heap grew by " + (heapAfter - heapBefore));
    // A leak of one session (a few KiB of native memory) per exchange would be > 200 MiB.
    assertTrue(rssAfter - rssBefore < 32 * 1024, "RSS grew by " + (rssAfter - rssBefore) + " KiB");
  }
}
