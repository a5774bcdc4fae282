package dev.tether.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Extensions;
import dev.tether.Frame;
import dev.tether.Tether;
import dev.tether.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter with the real Restate Java SDK (dev.restate:sdk-http-vertx 2.4.1), over h2c. */
class SdkAdapterTest {
  static final long LIMIT = 1 << 20;
  static Vertx vertx;
  static HttpServer tethered;
  static HttpServer stock;
  static H2c client;
  static H2c stockClient;

  static HttpServer listen(boolean tether) {
    return SdkEchoService.server(vertx, tether, LIMIT, "127.0.0.1", 0)
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .join();
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tethered = listen(true);
    stock = listen(false);
    client = new H2c(vertx, tethered.actualPort());
    stockClient = new H2c(vertx, stock.actualPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    stockClient.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void echoThroughTheSdk() throws Exception {
    H2c.Exchange x = client.invoke("echo", 5, Map.of());
    x.write(Wire.concat(Wire.start(), Wire.input("\"hello\"".getBytes()))).end();
    assertEquals(200, x.head().statusCode());
    assertEquals("application/vnd.restate.invocation.v5", x.head().getHeader("content-type"));
    Frame output = x.next();
    assertEquals(Tether.MSG_OUTPUT_COMMAND, output.type());
    byte[] value = Wire.field(output.payload(), 14).bytes();
    assertArrayEquals("\"hello\"".getBytes(), Wire.field(value, 1).bytes());
    assertEquals(List.of(Tether.MSG_END), Wire.types(x.rest()));
  }

  @Test
  void pingsAreAnsweredOnTheSdksLoopBeforeInput() throws Exception {
    H2c.Exchange x = client.invoke("echo", 5, Map.of(Extensions.HEADER, Extensions.offer()));
    // The 200 comes before anything is sent: a runtime Pings only once it names ping/1.
    assertEquals("ping/1, chunked/1", x.head().getHeader(Extensions.HEADER));
    x.write(Wire.concat(Wire.start(), Wire.ping("p1".getBytes())));
    Frame pong = x.next();
    assertEquals(Tether.MSG_PONG, pong.type());
    assertArrayEquals("p1".getBytes(), Wire.field(pong.payload(), 1).bytes());
    x.write(Wire.concat(Wire.ping("p2".getBytes()), Wire.input("x".getBytes()))).end();
    List<Integer> types = new java.util.ArrayList<>();
    types.add(x.next().type());
    types.addAll(Wire.types(x.rest()));
    assertTrue(types.contains(Tether.MSG_PONG), types.toString());
    assertEquals(Tether.MSG_END, types.get(types.size() - 1));
  }

  @Test
  void aPingSentWhileTheHandlerHoldsTheLoopIsAnsweredBeforeEnd() throws Exception {
    H2c.Exchange x = client.invoke("block", 5, Map.of(Extensions.HEADER, "ping/1"));
    assertEquals("ping/1", x.head().getHeader(Extensions.HEADER));
    // block holds the event loop for 500 ms; the Ping reaches the socket meanwhile
    // (unless the machine is so slow that the handler has not started: then it is
    // answered before the Output, which is right too). The SDK produces its End in the
    // task that ends the handler, before the loop reads the socket again.
    x.write(Wire.concat(Wire.start(), Wire.input("500".getBytes())));
    Thread.sleep(100);
    x.write(Wire.ping("after".getBytes())).end();
    List<Frame> frames = new java.util.ArrayList<>();
    frames.add(x.next());
    frames.addAll(x.rest());
    List<Integer> types = Wire.types(frames);
    assertEquals(3, types.size(), types.toString());
    assertTrue(types.containsAll(List.of(Tether.MSG_OUTPUT_COMMAND, Tether.MSG_PONG)), types.toString());
    assertEquals(Tether.MSG_END, types.get(2), "the Pong comes before End");
    Frame pong = frames.get(types.indexOf(Tether.MSG_PONG));
    assertArrayEquals("after".getBytes(), Wire.field(pong.payload(), 1).bytes());
  }

  @Test
  void oversizeOutputBecomes413AndEndInsteadOfARefusedMessage() throws Exception {
    H2c.Exchange x = client.invoke("big", 5, Map.of());
    x.write(Wire.concat(Wire.start(), Wire.input(Long.toString(2 * LIMIT).getBytes()))).end();
    Frame output = x.next();
    assertEquals(Tether.MSG_OUTPUT_COMMAND, output.type());
    byte[] failure = Wire.field(output.payload(), 15).bytes();
    assertEquals(413, Wire.field(failure, 1).varint());
    String message = text(Wire.field(failure, 2).bytes());
    assertTrue(message.contains(Long.toString(LIMIT)), message);
    List<Frame> rest = x.rest();
    assertEquals(List.of(Tether.MSG_END), Wire.types(rest));
    // The stock SDK sends the oversize OutputCommand as it is (a runtime refuses it).
    H2c.Exchange s = stockClient.invoke("big", 5, Map.of());
    s.write(Wire.concat(Wire.start(), Wire.input(Long.toString(2 * LIMIT).getBytes()))).end();
    Frame big = s.next();
    assertEquals(Tether.MSG_OUTPUT_COMMAND, big.type());
    assertTrue(big.payload().length > 2 * LIMIT);
  }

  @Test
  void malformedInputIs571AndTheSdkSeesNoneOfIt() throws Exception {
    // A Ping whose nonce is over 64 bytes, on a stream that negotiated ping/1.
    byte[] badPing = Wire.ping(new byte[65]);
    H2c.Exchange x = client.invoke("echo", 5, Map.of(Extensions.HEADER, "ping/1"));
    x.write(Wire.concat(Wire.start(), badPing, Wire.input("x".getBytes()))).end();
    List<Frame> frames = new java.util.ArrayList<>();
    frames.add(x.next());
    frames.addAll(x.rest());
    assertEquals(List.of(Tether.MSG_ERROR), Wire.types(frames), "only tether's ErrorMessage, no SDK output");
    assertEquals(571, Wire.field(frames.get(0).payload(), 1).varint());
    String message = text(Wire.field(frames.get(0).payload(), 2).bytes());
    assertTrue(message.toLowerCase().contains("nonce"), message);
    // The stock SDK, given the same bytes, fails with its own error: it did see them.
    H2c.Exchange s = stockClient.invoke("echo", 5, Map.of());
    s.write(Wire.concat(Wire.start(), badPing, Wire.input("x".getBytes()))).end();
    Frame stockError = s.next();
    assertEquals(Tether.MSG_ERROR, stockError.type());
    assertNotEquals(message, text(Wire.field(stockError.payload(), 2).bytes()));
  }

  @Test
  void discoveryIsTheSdksOwn() throws Exception {
    H2c.Exchange x = client.open(HttpMethod.GET, "/discover",
        Map.of("accept", "application/vnd.restate.endpointmanifest.v2+json")).end();
    assertEquals(200, x.head().statusCode());
    assertTrue(x.text().contains("\"Echo\""), x.text());
  }
}
