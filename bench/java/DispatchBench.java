// The Java side of bench/java/dispatch_bench.sh: the loops of bench/python/dispatch_loop.c
// through the Java binding (byte[] in and out, and direct ByteBuffers in and out).
//   ping:    feed one Ping frame, dispatch it (nextEvent), take the Pong bytes
//   message: feed one frame holding a 1 KiB InputCommand, dispatch it
// Usage: java -cp <tether jar> DispatchBench.java BATCHES OPS; prints "<loop> <median ns per op>".
import dev.tether.Event;
import dev.tether.Extensions;
import dev.tether.Session;
import dev.tether.SessionOptions;
import dev.tether.Tether;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

public class DispatchBench {
  interface Op {
    void run(Session s);
  }

  static byte[] frame(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Tether.frameHeader(type, 0, body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  static Session started() {
    Session s = new Session(new SessionOptions().extensions(Extensions.ALL));
    byte[] start = {0x0a, 3, 'i', 'n', 'v', 0x12, 3, 'i', 'n', 'v', 0x18, 1};
    s.feed(frame(Tether.MSG_START, start));
    while (s.nextEvent() != null) {}
    return s;
  }

  static double median(Op op, int batches, int ops) {
    try (Session s = started()) {
      for (int w = 0; w < 20; w++) { // warm-up: the JIT compiles the loop
        for (int i = 0; i < ops; i++) {
          op.run(s);
        }
      }
      double[] perOp = new double[batches];
      for (int b = 0; b < batches; b++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
          op.run(s);
        }
        perOp[b] = (double) (System.nanoTime() - t0) / ops;
      }
      Arrays.sort(perOp);
      return perOp[batches / 2];
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  public static void main(String[] args) {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 101;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    byte[] ping = frame(Tether.MSG_PING, new byte[] {0x0a, 8, 'n', 'o', 'n', 'c', 'e', '-', '0', '1'});
    byte[] body = new byte[1024];
    body[0] = 0x72;
    body[1] = (byte) 0xfd;
    body[2] = 0x07;
    body[3] = 0x0a;
    body[4] = (byte) 0xfa;
    body[5] = 0x07;
    Arrays.fill(body, 6, body.length, (byte) 'm');
    byte[] message = frame(Tether.MSG_INPUT_COMMAND, body);

    ByteBuffer pingDirect = ByteBuffer.allocateDirect(ping.length).put(ping).flip();
    ByteBuffer out = ByteBuffer.allocateDirect(64);

    System.out.printf("ping %.1f%n", median(s -> {
      s.feed(ping);
      Event e = s.nextEvent();
      check(e.answered() && s.takeOutput().length == 18, "ping");
    }, batches, ops));
    System.out.printf("ping-direct %.1f%n", median(s -> {
      s.feed(pingDirect.clear());
      Event e = s.nextEvent();
      check(e.answered() && s.takeOutput(out.clear()) == 18, "ping-direct");
    }, batches, ops));
    System.out.printf("message %.1f%n", median(s -> {
      s.feed(message);
      check(s.nextEvent().data().length == 1024, "message");
    }, batches, ops));
  }
}
