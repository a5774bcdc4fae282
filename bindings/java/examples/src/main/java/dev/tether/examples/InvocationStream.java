package dev.tether.examples;

import dev.tether.Invocation;
import dev.tether.MessageTooLargeException;
import dev.tether.SessionStats;
import dev.tether.TetherException;
import dev.tether.WouldBlockException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One invocation: the request body feeds a {@link Invocation}, its output is the response
 * body. Vert.x's event loop only moves bytes (and answers HTTP/2 PINGs); feeding, polling and
 * the handler itself run in {@link #step} on the handler executor, one step of a stream at a
 * time. So a Pong is produced by the dispatch loop: a handler that blocks its thread delays
 * its stream's Pongs, and an exhausted pool delays every stream's.
 *
 * <p>Output is written to the response on the event loop ({@link #pump}): only there does
 * {@code writeQueueFull()} count what was just written. Written from another thread, the
 * writes are queued for the loop and the check lags, so a stream's whole output lands in
 * Netty's flow controller; with many stalled streams their pending bytes exceed the
 * connection window, Netty then calls no stream writable, and no drain ever comes.
 */
final class InvocationStream {
  private static final Logger LOG = Logger.getLogger(InvocationStream.class.getName());
  /** Bytes per response write, and request bytes queued before the request is paused. */
  private static final int PIECE = 256 * 1024;
  private static final long PAUSE_AT = 1L << 20;

  private final Invocation invocation;
  private final Function<byte[], Reply> handler;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Executor executor;
  private final Context loop; // the event loop of the request
  private final LongConsumer onFinished; // the session's peak outbound bytes

  // Filled on the event loop, drained by step().
  private final ConcurrentLinkedQueue<ByteBuffer> input = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private volatile boolean inputEnded;
  private volatile boolean gone; // the runtime reset the stream or closed the connection
  private boolean paused; // event loop only
  private final AtomicBoolean pumpAsked = new AtomicBoolean();
  private volatile boolean done; // DONE was polled: the response ends once output drained
  private volatile boolean responseEnded; // by pump(); step() then releases the invocation
  private final AtomicBoolean released = new AtomicBoolean();

  // step() only.
  private final AtomicInteger work = new AtomicInteger();
  private boolean finished;
  private boolean failed;
  private Reply result; // a result refused with WouldBlock, delivered again on WRITABLE

  InvocationStream(
      Invocation invocation,
      Function<byte[], Reply> handler,
      HttpServerRequest request,
      Executor executor,
      LongConsumer onFinished) {
    this.invocation = invocation;
    this.handler = handler;
    this.request = request;
    this.response = request.response();
    this.executor = executor;
    this.loop = Objects.requireNonNull(Vertx.currentContext(), "created off the event loop");
    this.onFinished = onFinished;
  }

  /** On the event loop: wires the request and response to the stream. */
  void start() {
    request.handler(this::onData);
    request.endHandler(v -> {
      inputEnded = true;
      schedule();
    });
    request.exceptionHandler(e -> onGone());
    response.closeHandler(v -> onGone());
    response.exceptionHandler(e -> onGone());
    response.drainHandler(v -> pump());
    schedule();
  }

  private void onGone() {
    gone = true;
    schedule();
  }

  // Buffer.getByteBuf() is the copy-free view of the request bytes in Vert.x 4 (deprecated
  // there for 5's API; the SDK's own request adapter uses it too).
  @SuppressWarnings("deprecation")
  private void onData(Buffer buffer) {
    ByteBuffer bytes = buffer.getByteBuf().nioBuffer();
    input.add(bytes);
    if (queued.addAndGet(bytes.remaining()) >= PAUSE_AT && !paused) {
      paused = true;
      request.pause(); // HTTP/2 flow control: the runtime's window closes
    }
    schedule();
  }

  /** Runs step() on the executor; never two at once, and again when asked meanwhile. */
  private void schedule() {
    if (work.getAndIncrement() == 0) {
      executor.execute(this::loop);
    }
  }

  private void loop() {
    int missed = 1;
    do {
      try {
        step();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "stream step failed", e);
        gone = true;
        release();
      }
      missed = work.addAndGet(-missed);
    } while (missed != 0);
  }

  /** The dispatch loop of this stream: feed, poll (Pings, the handler), write. */
  private void step() {
    if (released.get()) {
      return;
    }
    if (gone || responseEnded) {
      release();
      return;
    }
    boolean progress = true;
    while (progress) {
      progress = feed();
      progress |= dispatch();
    }
    askPump();
  }

  /** Feeds queued request bytes until the inbound budget pushes back. */
  private boolean feed() {
    boolean progress = false;
    ByteBuffer next;
    while ((next = input.peek()) != null) {
      if (failed) {
        queued.addAndGet(-next.remaining());
        input.poll();
        continue;
      }
      int before = next.remaining();
      try {
        invocation.feed(next);
      } catch (TetherException e) { // malformed input: an ErrorMessage is queued, the rest dropped
        LOG.warning("bad input: " + e.getMessage());
        failed = true;
        continue;
      }
      int taken = before - next.remaining();
      if (taken > 0) {
        progress = true;
        queued.addAndGet(-taken);
      }
      if (next.hasRemaining()) {
        break; // inbound budget full: dispatch first
      }
      input.poll();
    }
    if (paused && queued.get() < PAUSE_AT / 2) {
      request.resume(); // (Vert.x runs it on the event loop)
      paused = false;
    }
    if (inputEnded && input.isEmpty() && !finished && !failed) {
      finished = true;
      try {
        invocation.finishInput();
      } catch (TetherException e) {
        LOG.warning("input ended badly: " + e.getMessage());
      }
      progress = true;
    }
    return progress;
  }

  /** Polls until nothing is ready; runs the handler on RUN. */
  private boolean dispatch() {
    boolean progress = false;
    while (!done) {
      Invocation.Event event;
      try {
        event = invocation.poll();
      } catch (TetherException e) { // malformed input: an ErrorMessage is queued, DONE follows
        LOG.warning("stream failed: " + e.getMessage());
        progress = true;
        continue;
      }
      if (event == null) {
        break;
      }
      progress = true;
      if (event == Invocation.Event.RUN) {
        result = run(invocation.input().value());
        // Input that arrived while the handler ran (a Ping) goes in before End, so it is
        // answered in stream order.
        feed();
        deliver();
      } else if (event == Invocation.Event.WRITABLE && result != null) {
        deliver();
      } else if (event == Invocation.Event.DONE) {
        done = true;
      }
    }
    return progress;
  }

  private Reply run(byte[] value) {
    try {
      return handler.apply(value);
    } catch (EchoHandlers.BadInput e) {
      return Reply.failure(400, e.getMessage());
    } catch (RuntimeException e) { // a handler bug: the runtime retries the attempt
      LOG.log(Level.WARNING, "handler failed", e);
      return Reply.retry(500, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void deliver() {
    try {
      result.deliver(invocation);
    } catch (WouldBlockException e) {
      return; // WRITABLE comes once the output drained
    } catch (MessageTooLargeException e) { // a terminal Failure 413 went out instead
      LOG.warning("output refused: " + e.getMessage());
    }
    result = null;
  }

  /** Runs {@link #pump} on the event loop, once however often it is asked meanwhile. */
  private void askPump() {
    if (!pumpAsked.getAndSet(true)) {
      loop.runOnContext(v -> {
        pumpAsked.set(false);
        pump();
      });
    }
  }

  /**
   * On the event loop: writes output while the response's queue has room, then wakes the
   * dispatch loop when output was taken (the session may now say WRITABLE); ends the
   * response once DONE was polled and nothing is left.
   */
  private synchronized void pump() {
    if (released.get() || responseEnded || gone) {
      return; // (a gone stream is released by step())
    }
    boolean took = false;
    while (!response.writeQueueFull()) {
      byte[] out = invocation.takeOutput(PIECE);
      if (out.length == 0) {
        break;
      }
      response.write(Buffer.buffer(out));
      took = true;
    }
    if (done && invocation.pendingOutput() == 0) {
      response.end();
      responseEnded = true;
      schedule();
    } else if (took) {
      schedule();
    }
  }

  private synchronized void release() {
    if (!released.getAndSet(true)) {
      SessionStats stats = invocation.sessionStats();
      invocation.close();
      onFinished.accept(stats.peakOutboundBuffered());
      if (gone && !response.ended() && !response.closed()) {
        response.reset();
      }
    }
  }
}
