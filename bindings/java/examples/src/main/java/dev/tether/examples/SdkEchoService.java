package dev.tether.examples;

import dev.restate.sdk.Context;
import dev.restate.sdk.HandlerRunner;
import dev.restate.sdk.common.TerminalException;
import dev.restate.sdk.endpoint.Endpoint;
import dev.restate.sdk.endpoint.definition.HandlerDefinition;
import dev.restate.sdk.endpoint.definition.HandlerType;
import dev.restate.sdk.endpoint.definition.ServiceDefinition;
import dev.restate.sdk.endpoint.definition.ServiceType;
import dev.restate.sdk.http.vertx.RestateHttpServer;
import dev.restate.serde.Serde;
import dev.restate.serde.SerdeFactory;
import dev.tether.restate.TetherRestate;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.cli.CLI;
import io.vertx.core.cli.CLIException;
import io.vertx.core.cli.CommandLine;
import io.vertx.core.cli.Option;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Service Echo on the Restate Java SDK (dev.restate:sdk-http-vertx), served stock or with
 * tether in front of the SDK's request processing:
 *
 * <pre>
 *   java -cp ... dev.tether.examples.SdkEchoService [--tether] [--host 127.0.0.1] [--port 9080]
 *       [--max-message-size BYTES]
 * </pre>
 *
 * Prints "listening on http://HOST:PORT". The handlers run on the Vert.x event loop that
 * also runs the SDK's state machine (and, with --tether, answers Pings), so {@code block}
 * blocks that loop: the dispatch loop of this SDK, shared with its HTTP/2 I/O.
 */
public final class SdkEchoService {
  private SdkEchoService() {}

  /** Runs the handler on the caller's Vert.x context (the request's event loop). */
  static final Executor ON_EVENT_LOOP =
      runnable -> {
        io.vertx.core.Context context = Vertx.currentContext();
        if (context != null) {
          context.runOnContext(v -> runnable.run());
        } else {
          runnable.run();
        }
      };

  static HandlerDefinition<byte[], byte[]> handler(String name, UnaryOperator<byte[]> body) {
    HandlerRunner<byte[], byte[]> runner =
        HandlerRunner.of(
            (Context ctx, byte[] input) -> {
              try {
                return body.apply(input);
              } catch (EchoHandlers.BadInput e) {
                throw new TerminalException(400, e.getMessage());
              }
            },
            SerdeFactory.NOOP,
            HandlerRunner.Options.withExecutor(ON_EVENT_LOOP));
    return HandlerDefinition.of(name, HandlerType.SHARED, Serde.RAW, Serde.RAW, runner);
  }

  /** The Echo service as the SDK's endpoint. */
  public static Endpoint endpoint() {
    List<HandlerDefinition<?, ?>> handlers = new ArrayList<>();
    for (String name : EchoHandlers.NAMES) {
      handlers.add(handler(name, EchoHandlers.handler(name)));
    }
    return Endpoint.bind(ServiceDefinition.of(EchoHandlers.SERVICE, ServiceType.SERVICE, handlers)).build();
  }

  /** A server for the endpoint, with tether (maxOutputSize: the runtime's limit) or stock. */
  public static HttpServer server(Vertx vertx, boolean tether, long maxOutputSize, String host, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(4000));
    Endpoint endpoint = endpoint();
    if (tether) {
      // The one line that puts tether in front of the SDK:
      return vertx.createHttpServer(options).requestHandler(TetherRestate.handler(endpoint, maxOutputSize));
    }
    return RestateHttpServer.fromEndpoint(vertx, endpoint, options);
  }

  public static void main(String[] args) {
    CLI cli =
        CLI.create("SdkEchoService")
            .setSummary("service Echo on the Restate Java SDK, stock or with tether")
            .addOption(new Option().setLongName("tether").setFlag(true))
            .addOption(new Option().setLongName("host").setDefaultValue("127.0.0.1"))
            .addOption(new Option().setLongName("port").setDefaultValue("9080"))
            .addOption(new Option().setLongName("max-message-size")
                .setDefaultValue(Long.toString(TetherRestate.DEFAULT_MAX_OUTPUT_SIZE)));
    CommandLine line;
    int port;
    long limit;
    try {
      line = cli.parse(List.of(args));
      port = Integer.parseInt(line.getOptionValue("port"));
      limit = Long.parseLong(line.getOptionValue("max-message-size"));
    } catch (CLIException | NumberFormatException e) {
      StringBuilder usage = new StringBuilder();
      cli.usage(usage);
      System.err.println("SdkEchoService: " + e.getMessage() + "\n" + usage);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    String host = line.getOptionValue("host");
    HttpServer server =
        server(vertx, line.isFlagEnabled("tether"), limit, host, port)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    System.out.println("listening on http://" + host + ":" + server.actualPort());
    System.out.flush();
  }
}
