package dev.tether.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's runnable example keeps running, says what it promises, and is the README's. */
class SessionRoundtripTest {
  static String run() {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      SessionRoundtrip.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theExampleAnswersPingsAndEchoesTheChunkedInput() {
    String out = run();
    assertTrue(out.contains("Ping nonce-1 answered=true"), out);
    assertTrue(out.contains("InputCommand of 3000 bytes, reassembled from chunks"), out);
    assertTrue(out.contains("send after End: ClosedException"), out);
    List<String> types = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("  out:")) {
        types.add(line.split(" +")[2]);
      }
    }
    // Pong, the output in three 1 KiB chunks, the second Pong (read before End), End.
    assertEquals(List.of("0x0009", "0x0401", "0x0401", "0x0401", "0x0009", "0x0003"), types);
  }

  @Test
  void theReadmeShowsTheExamplesLoop() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String source = Files.readString(Path.of("src/main/java/dev/tether/examples/SessionRoundtrip.java"));
    for (String line : List.of(
        "try (Session s = new Session(options)) {",
        "while ((event = s.nextEvent()) != null) { // the dispatch loop: Pongs are queued right here",
        "s.send(Tether.MSG_OUTPUT_COMMAND, event.data()); // echo: chunked again on the way out")) {
      assertTrue(source.contains(line), "example: " + line);
      assertTrue(readme.contains(line), "README: " + line);
    }
  }
}
