package dev.tether.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Extensions;
import dev.tether.Frame;
import dev.tether.Tether;
import dev.tether.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reference endpoint over real h2c: routing, negotiation, Pings, limits. */
class EchoEndpointTest {
  static final long LIMIT = 1 << 20;
  static Vertx vertx;
  static EchoEndpoint endpoint;
  static HttpServer server;
  static H2c client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    endpoint = new EchoEndpoint(LIMIT, 2);
    server = endpoint.listen(vertx, "127.0.0.1", 0);
    client = new H2c(vertx, server.actualPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    endpoint.shutdown();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void discoverServesTheManifest() throws Exception {
    H2c.Exchange x = client.open(HttpMethod.GET, "/discover", Map.of("accept", "application/vnd.restate.endpointmanifest.v3+json")).end();
    assertEquals(200, x.head().statusCode());
    assertEquals("application/vnd.restate.endpointmanifest.v3+json", x.head().getHeader("content-type"));
    JsonObject manifest = new JsonObject(x.text());
    assertEquals("Echo", manifest.getJsonArray("services").getJsonObject(0).getString("name"));
    H2c.Exchange refused = client.open(HttpMethod.GET, "/discover", Map.of("accept", "application/json")).end();
    assertEquals(406, refused.head().statusCode());
  }

  @Test
  void aNegotiatingRuntimeGetsTheHeadersBeforeItSendsAnything() throws Exception {
    // (a runtime sends its first Ping only once the 200 named ping/1)
    H2c.Exchange x = client.invoke("echo", 5, Map.of(Extensions.HEADER, Extensions.offer()));
    assertEquals(200, x.head().statusCode());
    assertEquals("ping/1, chunked/1", x.head().getHeader(Extensions.HEADER));
    x.write(Wire.concat(Wire.start(), Wire.ping("n1".getBytes())));
    assertEquals(Tether.MSG_PONG, x.next().type());
    x.write(Wire.input("hi".getBytes())).end();
    assertEquals(Tether.MSG_OUTPUT_COMMAND, x.next().type());
  }

  @Test
  void pingsAreAnsweredBeforeInputAndEchoCompletes() throws Exception {
    H2c.Exchange x = client.invoke("echo", 5, Map.of(Extensions.HEADER, Extensions.offer()));
    x.write(Wire.concat(Wire.start(), Wire.ping("n1".getBytes())));
    assertEquals(200, x.head().statusCode());
    assertEquals("ping/1, chunked/1", x.head().getHeader(Extensions.HEADER));
    Frame pong = x.next();
    assertEquals(Tether.MSG_PONG, pong.type());
    assertArrayEquals("n1".getBytes(), Wire.field(pong.payload(), 1).bytes());
    x.write(Wire.input("hello".getBytes())).end();
    Frame output = x.next();
    assertEquals(Tether.MSG_OUTPUT_COMMAND, output.type());
    byte[] value = Wire.field(output.payload(), 14).bytes();
    assertArrayEquals("hello".getBytes(), Wire.field(value, 1).bytes());
    assertEquals(List.of(Tether.MSG_END), Wire.types(x.rest()));
  }

  @Test
  void withoutTheHeaderNothingIsNegotiatedAndAPingIsAViolation() throws Exception {
    H2c.Exchange x = client.invoke("echo", 5, Map.of());
    x.write(Wire.concat(Wire.start(), Wire.ping("n1".getBytes()))).end();
    assertEquals(null, x.head().getHeader(Extensions.HEADER));
    Frame error = x.next();
    assertEquals(Tether.MSG_ERROR, error.type());
    assertEquals(571, Wire.field(error.payload(), 1).varint());
    String message = new String(Wire.field(error.payload(), 2).bytes(), StandardCharsets.UTF_8);
    assertTrue(message.contains("ping/1"), message);
  }

  @Test
  void oversizeOutputIsATerminalFailure413() throws Exception {
    H2c.Exchange x = client.invoke("big", 5, Map.of());
    x.write(Wire.concat(Wire.start(), Wire.input(Long.toString(2 * LIMIT).getBytes()))).end();
    Frame output = x.next();
    byte[] failure = Wire.field(output.payload(), 15).bytes();
    assertEquals(413, Wire.field(failure, 1).varint());
    assertEquals(List.of(Tether.MSG_END), Wire.types(x.rest()));
  }

  @Test
  void badRequestsAreRefusedWithTheReason() throws Exception {
    assertEquals(404, client.invoke("nope", 5, Map.of()).end().head().statusCode());
    H2c.Exchange v4 = client.invoke("echo", 4, Map.of()).end();
    assertEquals(415, v4.head().statusCode());
    assertTrue(v4.text().contains("v5..v8"), v4.text());
    H2c.Exchange bad = client.invoke("echo", 5, Map.of(Extensions.HEADER, "ping/1, bad token!")).end();
    assertEquals(400, bad.head().statusCode());
    assertTrue(bad.text().contains(Extensions.HEADER), bad.text());
    H2c.Exchange input = client.invoke("big", 5, Map.of());
    input.write(Wire.concat(Wire.start(), Wire.input("many".getBytes()))).end();
    byte[] failure = Wire.field(input.next().payload(), 15).bytes();
    assertEquals(400, Wire.field(failure, 1).varint());
  }
}
