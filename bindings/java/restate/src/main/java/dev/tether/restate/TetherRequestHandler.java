package dev.tether.restate;

import dev.restate.sdk.core.EndpointRequestHandler;
import dev.restate.sdk.core.ProtocolException;
import dev.restate.sdk.core.RequestProcessor;
import dev.restate.sdk.endpoint.Endpoint;
import dev.restate.sdk.endpoint.HeadersAccessor;
import dev.restate.sdk.http.vertx.HttpEndpointRequestHandler;
import dev.restate.sdk.version.Version;
import dev.tether.Extensions;
import dev.tether.Invocation;
import dev.tether.Middleware;
import dev.tether.SessionOptions;
import dev.tether.TetherException;
import io.reactiverse.contextual.logging.ContextualData;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * The SDK's HttpEndpointRequestHandler with tether around the request processing of each
 * invocation: the SDK's own EndpointRequestHandler resolves the RequestProcessor (a
 * Flow.Processor of byte slices), and a {@link StreamBridge} connects it to the HTTP/2
 * stream through a {@link Middleware}, on the request's Vert.x context (the executor that
 * feeds the SDK's state machine). Requests that are not invocations (discovery, health),
 * and invocations whose content type tether does not parse, go to the SDK unchanged.
 */
final class TetherRequestHandler implements Handler<HttpServerRequest> {
  private static final Logger LOG = Logger.getLogger(TetherRequestHandler.class.getName());

  private final EndpointRequestHandler endpoint;
  private final HttpEndpointRequestHandler stock;
  private final long maxOutputSize;

  TetherRequestHandler(Endpoint endpoint, long maxOutputSize) {
    if (maxOutputSize <= 0) {
      throw new IllegalArgumentException("maxOutputSize " + maxOutputSize + " must be positive");
    }
    this.endpoint = EndpointRequestHandler.create(endpoint);
    this.stock = HttpEndpointRequestHandler.fromEndpoint(endpoint);
    this.maxOutputSize = maxOutputSize;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = URI.create(request.uri()).getPath();
    int version;
    try {
      version = Invocation.contentTypeVersion(String.valueOf(request.getHeader("content-type")));
    } catch (TetherException e) {
      version = 0; // not an invocation tether understands: the SDK answers it (415, 404, ...)
    }
    if (version == 0
        || request.method() != HttpMethod.POST
        || !path.contains("/invoke/")
        || request.version() != HttpVersion.HTTP_2) {
      stock.handle(request);
      return;
    }
    int accepted;
    try {
      accepted = Extensions.parse(request.getHeader(Extensions.HEADER), Extensions.ALL);
    } catch (TetherException e) {
      request.response().setStatusCode(400).putHeader("content-type", "text/plain").end(e.getMessage());
      return;
    }
    Context context = Vertx.currentContext();
    RequestProcessor processor;
    try {
      processor =
          endpoint.processorForRequest(
              path,
              new HeadersAccessor() {
                @Override
                public Iterable<String> keys() {
                  return request.headers().names();
                }

                @Override
                public String get(String key) {
                  return request.getHeader(key);
                }
              },
              ContextualData::put,
              executor(context),
              true);
    } catch (ProtocolException e) {
      LOG.warning("request refused by the SDK: " + e.getMessage());
      request
          .response()
          .setStatusCode(e.getCode())
          .putHeader("content-type", "text/plain")
          .putHeader("x-restate-server", Version.X_RESTATE_SERVER)
          .end(e.getMessage());
      return;
    }
    Middleware middleware =
        new Middleware(
            // the runtime's message limit bounds both directions (a reassembled input too)
            new SessionOptions().protocolVersion(version).extensions(accepted).maxMessageSize(maxOutputSize),
            maxOutputSize);
    request
        .response()
        .setStatusCode(processor.statusCode())
        .putHeader("content-type", processor.responseContentType())
        .putHeader("x-restate-server", Version.X_RESTATE_SERVER);
    if (accepted != 0) {
      // A runtime that negotiated waits for these headers before its first Ping or
      // chunk, while the SDK writes only once its journal is ready: they go out now.
      request.response().putHeader(Extensions.HEADER, Extensions.format(accepted)).writeHead();
    }
    new StreamBridge(request, middleware, context, (accepted & Extensions.PING) != 0).connect(processor);
  }

  private static Executor executor(Context context) {
    return runnable -> context.runOnContext(v -> runnable.run());
  }
}
