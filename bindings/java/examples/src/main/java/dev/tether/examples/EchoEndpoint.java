package dev.tether.examples;

import dev.tether.Extensions;
import dev.tether.Invocation;
import dev.tether.SessionOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.cli.CLI;
import io.vertx.core.cli.CLIException;
import io.vertx.core.cli.CommandLine;
import io.vertx.core.cli.Option;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tether's Java reference endpoint: service Echo over h2c on Vert.x, on the Java binding.
 *
 * <pre>
 *   java -cp ... dev.tether.examples.EchoEndpoint [--host 127.0.0.1] [--port 9080]
 *       [--max-message-size BYTES] [--threads N]
 * </pre>
 *
 * Prints "listening on http://HOST:PORT", then serves GET /discover, GET /stats (the
 * largest queued output of one invocation, for the conformance suite) and POST
 * /invoke/Echo/{echo,big,block}. Vert.x's event loop runs HTTP/2 (and answers HTTP/2
 * PINGs); each invocation is fed, polled and run on a pool of --threads handler threads
 * (see {@link InvocationStream}), so a blocked handler delays Pongs, not HTTP/2 PINGs.
 */
public final class EchoEndpoint {
  private static final Pattern MANIFEST =
      Pattern.compile("application/vnd\\.restate\\.endpointmanifest\\.v(\\d{1,3})\\+json");
  private static final int MANIFEST_MIN = 1;
  private static final int MANIFEST_MAX = 4;

  private final long maxMessageSize;
  private final ExecutorService handlers;
  private final AtomicLong peakSessionOutbound = new AtomicLong();

  EchoEndpoint(long maxMessageSize, int threads) {
    this.maxMessageSize = maxMessageSize;
    this.handlers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "tether-handler");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts a server on host:port (0: ephemeral); returns it once it listens. */
  HttpServer listen(Vertx vertx, String host, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setHttp2ClearTextEnabled(true)
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(4000));
    return vertx
        .createHttpServer(options)
        .requestHandler(this::handle)
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .join();
  }

  void shutdown() {
    handlers.shutdownNow();
  }

  private static void respond(HttpServerRequest request, int status, String body) {
    request.response().setStatusCode(status).putHeader("content-type", "text/plain").end(body);
  }

  void handle(HttpServerRequest request) {
    String path = request.path();
    if (path.equals("/discover")) {
      discover(request);
    } else if (path.equals("/stats")) {
      JsonObject stats = new JsonObject().put("peak_session_outbound", peakSessionOutbound.get());
      request.response().putHeader("content-type", "application/json").end(stats.encode());
    } else if (path.startsWith("/invoke/")) {
      invoke(request);
    } else {
      respond(request, 404, "no such route " + path + " (GET /discover, POST /invoke/{service}/{handler})\n");
    }
  }

  /** The highest manifest version the accept header allows (no header: the highest); 0: none. */
  static int manifestVersion(String accept) {
    if (accept == null || accept.isBlank()) {
      return MANIFEST_MAX;
    }
    int best = 0;
    for (String item : accept.split(",")) {
      item = item.split(";")[0].strip();
      if (item.equals("*/*") || item.equals("application/*")) {
        return MANIFEST_MAX;
      }
      Matcher m = MANIFEST.matcher(item);
      if (m.matches()) {
        int v = Integer.parseInt(m.group(1));
        if (v >= MANIFEST_MIN && v <= MANIFEST_MAX) {
          best = Math.max(best, v);
        }
      }
    }
    return best;
  }

  private void discover(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      respond(request, 405, "/discover takes GET, not " + request.method() + "\n");
      return;
    }
    int version = manifestVersion(request.getHeader("accept"));
    if (version == 0) {
      respond(request, 406, "accept must list application/vnd.restate.endpointmanifest.vM+json with M in "
          + MANIFEST_MIN + ".." + MANIFEST_MAX + ", got '" + request.getHeader("accept") + "'\n");
      return;
    }
    JsonArray handlerList = new JsonArray();
    for (String name : EchoHandlers.NAMES) {
      handlerList.add(new JsonObject().put("name", name));
    }
    JsonObject manifest =
        new JsonObject()
            .put("protocolMode", "BIDI_STREAM")
            .put("minProtocolVersion", Tether.PROTOCOL_MIN_VERSION)
            .put("maxProtocolVersion", Tether.PROTOCOL_MAX_VERSION)
            .put("services", new JsonArray(List.of(
                new JsonObject().put("name", EchoHandlers.SERVICE).put("ty", "SERVICE")
                    .put("handlers", handlerList))));
    request.response()
        .putHeader("content-type", "application/vnd.restate.endpointmanifest.v" + version + "+json")
        .end(manifest.encode());
  }

  private void invoke(HttpServerRequest request) {
    String path = request.path();
    String[] parts = path.substring("/invoke/".length()).split("/", 2);
    String service = parts[0];
    String name = parts.length > 1 ? parts[1] : "";
    if (!service.equals(EchoHandlers.SERVICE)) {
      respond(request, 404, "unknown service " + service + "\n");
      return;
    }
    Function<byte[], Reply> handler = Reply.handler(name);
    if (handler == null) {
      respond(request, 404, "service " + service + " has no handler " + name + "\n");
      return;
    }
    if (request.method() != HttpMethod.POST) {
      respond(request, 405, path + " takes POST, not " + request.method() + "\n");
      return;
    }
    String contentType = request.getHeader("content-type");
    int version;
    try {
      version = Invocation.contentTypeVersion(contentType == null ? "" : contentType);
    } catch (TetherException e) {
      respond(request, 415, e.getMessage() + "; this endpoint speaks application/vnd.restate.invocation.v"
          + Tether.PROTOCOL_MIN_VERSION + "..v" + Tether.PROTOCOL_MAX_VERSION + "\n");
      return;
    }
    int accepted;
    try {
      accepted = Extensions.parse(request.getHeader(Extensions.HEADER), Extensions.ALL);
    } catch (TetherException e) {
      respond(request, 400, e.getMessage() + "\n");
      return;
    }
    SessionOptions session =
        new SessionOptions().protocolVersion(version).extensions(accepted).maxMessageSize(maxMessageSize);
    Invocation invocation = new Invocation(session, maxMessageSize);
    request.response().setStatusCode(200).putHeader("content-type", contentType);
    if (accepted != 0) {
      // A runtime that negotiated waits for these headers before its first Ping or
      // chunk: they go out now, not with the first output.
      request.response().putHeader(Extensions.HEADER, Extensions.format(accepted)).writeHead();
    }
    new InvocationStream(invocation, handler, request, handlers,
        peak -> peakSessionOutbound.accumulateAndGet(peak, Math::max)).start();
  }

  public static void main(String[] args) {
    CLI cli =
        CLI.create("EchoEndpoint")
            .setSummary("tether's Java reference endpoint (service Echo, h2c)")
            .addOption(new Option().setLongName("host").setDefaultValue("127.0.0.1"))
            .addOption(new Option().setLongName("port").setDefaultValue("9080"))
            .addOption(new Option().setLongName("max-message-size")
                .setDefaultValue(Long.toString(Tether.DEFAULT_MAX_MESSAGE_SIZE)))
            .addOption(new Option().setLongName("threads").setDefaultValue("4")
                .setDescription("handler threads (the dispatch loops)"));
    CommandLine line;
    long maxMessageSize;
    int port;
    int threads;
    try {
      line = cli.parse(List.of(args));
      maxMessageSize = Long.parseLong(line.getOptionValue("max-message-size"));
      port = Integer.parseInt(line.getOptionValue("port"));
      threads = Integer.parseInt(line.getOptionValue("threads"));
    } catch (CLIException | NumberFormatException e) {
      StringBuilder usage = new StringBuilder();
      cli.usage(usage);
      System.err.println("EchoEndpoint: " + e.getMessage() + "\n" + usage);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    EchoEndpoint endpoint = new EchoEndpoint(maxMessageSize, threads);
    HttpServer server = endpoint.listen(vertx, line.getOptionValue("host"), port);
    System.out.println("listening on http://" + line.getOptionValue("host") + ":" + server.actualPort());
    System.out.flush();
  }
}
