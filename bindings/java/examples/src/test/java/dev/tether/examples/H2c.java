package dev.tether.examples;

import dev.tether.Decoder;
import dev.tether.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An h2c (prior knowledge) client for the tests: one streaming exchange per request. */
final class H2c implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  private final HttpClient client;
  private final int port;

  H2c(Vertx vertx, int port) {
    this.port = port;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setHttp2MaxPoolSize(1));
  }

  /** A request whose body is written piece by piece, and whose frames are read as they come. */
  final class Exchange {
    final HttpClientRequest request;
    final CompletableFuture<HttpClientResponse> response = new CompletableFuture<>();
    final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    // (frames as large as a stock SDK writes them: one frame per message, up to 256 MiB)
    private final Decoder decoder = new Decoder(256L << 20, 512L << 20, true);

    Exchange(HttpClientRequest request) {
      this.request = request;
      request.response().onComplete(ar -> {
        if (ar.failed()) {
          response.completeExceptionally(ar.cause());
          body.completeExceptionally(ar.cause());
          return;
        }
        HttpClientResponse r = ar.result();
        response.complete(r);
        r.handler(this::onData);
        r.endHandler(v -> {
          synchronized (this) {
            body.complete(raw.toByteArray());
          }
        });
        r.exceptionHandler(body::completeExceptionally);
      });
    }

    private synchronized void onData(Buffer buffer) {
      byte[] bytes = buffer.getBytes();
      raw.writeBytes(bytes);
      if (response.join().getHeader("content-type") == null
          || !response.join().getHeader("content-type").startsWith("application/vnd.restate.invocation")) {
        return;
      }
      int off = 0;
      while (off < bytes.length) {
        off += decoder.feed(bytes, off, bytes.length - off);
        for (Frame f; (f = decoder.next()) != null; ) {
          frames.add(f);
        }
      }
    }

    Exchange write(byte[] bytes) {
      request.write(Buffer.buffer(bytes));
      return this;
    }

    Exchange end() {
      request.end();
      return this;
    }

    HttpClientResponse head() throws Exception {
      return response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame of the response, waiting for it. */
    Frame next() throws Exception {
      Frame f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + WAIT);
      }
      return f;
    }

    /** The rest of the frames, once the response ended. */
    List<Frame> rest() throws Exception {
      body.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      List<Frame> out = new ArrayList<>();
      frames.drainTo(out);
      return out;
    }

    String text() throws Exception {
      return new String(body.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  Exchange open(HttpMethod method, String path, Map<String, String> headers) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::putHeader);
    HttpClientRequest request =
        client.request(options).toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    request.setChunked(true);
    Exchange exchange = new Exchange(request);
    request.sendHead();
    return exchange;
  }

  /** POST /invoke/Echo/{handler} with the content type of a version and extra headers. */
  Exchange invoke(String handler, int version, Map<String, String> headers) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("content-type", "application/vnd.restate.invocation.v" + version);
    return open(HttpMethod.POST, "/invoke/Echo/" + handler, all);
  }

  @Override
  public void close() {
    client.close();
  }
}
