package dev.tether.restate;

import dev.restate.sdk.endpoint.Endpoint;
import dev.tether.Tether;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * tether inside the Restate Java SDK ({@code dev.restate:sdk-http-vertx}): one line in the
 * endpoint setup. Instead of
 *
 * <pre>
 *   RestateHttpServer.listen(Endpoint.bind(new Greeter()));
 * </pre>
 *
 * write
 *
 * <pre>
 *   TetherRestate.listen(Endpoint.bind(new Greeter()), 9080);
 * </pre>
 *
 * or, with a Vert.x server of your own, {@code server.requestHandler(TetherRestate.handler(endpoint))}.
 * Every invocation stream then runs through a tether middleware between the HTTP/2 stream
 * and the SDK's request processor: Pings answered on the SDK's own event loop, chunked
 * input reassembled, and any message over the runtime's limit replaced by a terminal
 * Failure 413 instead of being refused and retried forever. Discovery, health and
 * everything else are the SDK's own.
 */
public final class TetherRestate {
  private TetherRestate() {}

  /** The runtime's limit for one message, as a Restate server's default. */
  public static final long DEFAULT_MAX_OUTPUT_SIZE = Tether.DEFAULT_MAX_MESSAGE_SIZE;

  /** The request handler: the SDK's, with tether around its request processing. */
  public static Handler<HttpServerRequest> handler(Endpoint endpoint) {
    return new TetherRequestHandler(endpoint, DEFAULT_MAX_OUTPUT_SIZE);
  }

  /** The same with another limit for one message (the runtime's networking.message-size-limit). */
  public static Handler<HttpServerRequest> handler(Endpoint endpoint, long maxOutputSize) {
    return new TetherRequestHandler(endpoint, maxOutputSize);
  }

  /** A Vert.x HTTP server (h2c) serving the endpoint through tether; not listening yet. */
  public static HttpServer server(Vertx vertx, Endpoint endpoint, HttpServerOptions options) {
    return vertx.createHttpServer(options).requestHandler(handler(endpoint));
  }

  /** Like RestateHttpServer.listen: serves the endpoint through tether; returns the port. */
  public static int listen(Endpoint endpoint, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(Integer.MAX_VALUE));
    return server(Vertx.vertx(), endpoint, options)
        .listen(port)
        .toCompletionStage()
        .toCompletableFuture()
        .join()
        .actualPort();
  }
}
