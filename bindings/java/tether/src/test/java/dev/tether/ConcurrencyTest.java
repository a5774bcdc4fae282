package dev.tether;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  @Test
  void independentSessionsOnManyThreads() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int id = t;
        results.add(
            pool.submit(
                () -> {
                  int pongs = 0;
                  for (int i = 0; i < 500; i++) {
                    try (Session s = new Session(SessionTest.negotiated())) {
                      byte[] nonce = ByteBuffer.allocate(8).putInt(id).putInt(i).array();
                      s.feed(Wire.concat(Wire.start(), Wire.ping(nonce)));
                      s.nextEvent();
                      s.nextEvent();
                      Frame pong = Wire.frames(s.takeOutput()).get(0);
                      assertArrayEquals(nonce, Wire.field(pong.payload(), 1).bytes());
                      pongs++;
                    }
                  }
                  return pongs;
                }));
      }
      for (Future<Integer> r : results) {
        assertEquals(500, r.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One session shared by mistake: calls are serialized, close waits; no crash. */
  @Test
  void aSessionSharedByMistakeIsSerialized() throws Exception {
    Session s = new Session(SessionTest.negotiated());
    s.feed(Wire.start());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    try {
                      s.feed(Wire.ping(new byte[] {(byte) i}));
                      s.nextEvent();
                      s.takeOutput();
                    } catch (ClosedException e) {
                      return;
                    }
                  }
                }));
      }
      Thread.sleep(5);
      s.close();
      for (Future<?> w : work) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
