package dev.tether.restate;

import dev.restate.common.Slice;
import dev.restate.sdk.core.RequestProcessor;
import dev.tether.Middleware;
import dev.tether.Tether;
import dev.tether.TetherException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.logging.Logger;

/**
 * One invocation stream: HTTP/2 request -> {@link Middleware} -> the SDK's RequestProcessor
 * -> Middleware -> HTTP/2 response. Everything runs on the request's Vert.x context, the
 * executor that feeds the SDK's state machine, so a Pong proves that loop ran. The SDK sees
 * plain upstream frames only; after malformed input it gets nothing more (the middleware
 * queued an ErrorMessage 571), and after an oversize message its output is dropped (the
 * middleware replaced it by a terminal Failure 413 + End).
 */
final class StreamBridge {
  private static final Logger LOG = Logger.getLogger(StreamBridge.class.getName());
  private static final int PIECE = 256 * 1024; // bytes per response write
  private static final long PAUSE_AT = 1L << 20; // request bytes queued before pausing
  // The SDK's output ends with an End frame (no payload, no flags). Where Pings can
  // arrive it is held back for one timer tick: Netty reads the socket before it runs
  // timers, so Pings that arrived while a handler held the event loop are answered
  // before End (PROTOCOL.md). Without the hold, End and close ran first and they were lost.
  private static final ByteBuffer END_FRAME = ByteBuffer.wrap(Tether.frameHeader(Tether.MSG_END, 0, 0));
  private static final long END_HOLD_MS = 1;

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Middleware middleware;
  private final Context context;
  private final boolean pings;

  private final ArrayDeque<ByteBuffer> requestBytes = new ArrayDeque<>();
  private long queued;
  private boolean paused;
  private boolean requestEnded;
  private boolean inputFinished;

  private Flow.Subscriber<? super Slice> sdkInput;
  private long demand;
  private boolean sdkInputDone;

  private Flow.Subscription sdkOutput;
  private final ArrayDeque<ByteBuffer> sdkBytes = new ArrayDeque<>();
  private boolean sdkEnded;
  private boolean sdkOutputEnded;
  private boolean endHeld; // the SDK's End waits for one read of the socket
  private boolean outputBlocked;
  /** The SDK is cut off: malformed input, an oversize message, or the runtime went away. */
  private boolean stopped;
  private boolean closed;

  private boolean pumping;
  private boolean again;

  /** pings: the stream negotiated ping/1, so a Ping can still arrive before End. */
  StreamBridge(HttpServerRequest request, Middleware middleware, Context context, boolean pings) {
    this.request = request;
    this.response = request.response();
    this.middleware = middleware;
    this.context = context;
    this.pings = pings;
  }

  /** On the request's context: wires the stream and the processor together. */
  void connect(RequestProcessor processor) {
    request.handler(this::onRequestData);
    request.endHandler(v -> {
      requestEnded = true;
      pump();
    });
    request.exceptionHandler(e -> gone("request failed: " + e));
    response.closeHandler(v -> gone("the runtime closed the stream"));
    response.drainHandler(v -> pump());

    sdkInput = processor;
    processor.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            onContext(() -> {
              demand = n == Long.MAX_VALUE || demand + n < 0 ? Long.MAX_VALUE : demand + n;
              pump();
            });
          }

          @Override
          public void cancel() {
            onContext(() -> sdkInputDone = true);
          }
        });
    processor.subscribe(
        new Flow.Subscriber<Slice>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            sdkOutput = subscription;
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(Slice slice) {
            ByteBuffer bytes = slice.asReadOnlyByteBuffer();
            onContext(() -> {
              if (!stopped && pings && bytes.equals(END_FRAME)) {
                endHeld = true;
                context.owner().setTimer(END_HOLD_MS, id -> {
                  endHeld = false;
                  if (!stopped) {
                    sdkBytes.add(bytes);
                  }
                  pump();
                });
                return;
              }
              if (!stopped) {
                sdkBytes.add(bytes);
              }
              pump();
            });
          }

          @Override
          public void onError(Throwable error) {
            onContext(() -> {
              LOG.warning("the SDK failed the stream: " + error);
              sdkEnded = true;
              pump();
            });
          }

          @Override
          public void onComplete() {
            onContext(() -> {
              sdkEnded = true;
              pump();
            });
          }
        });
    pump();
  }

  private void onContext(Runnable task) {
    if (Context.isOnEventLoopThread() && context == io.vertx.core.Vertx.currentContext()) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  // Buffer.getByteBuf() is the copy-free view of the request bytes in Vert.x 4 (deprecated
  // there for 5's API; the SDK's own request adapter uses it too).
  @SuppressWarnings("deprecation")
  private void onRequestData(Buffer buffer) {
    ByteBuffer bytes = buffer.getByteBuf().nioBuffer();
    if (closed || stopped) {
      return; // the stream failed or ended: the rest is dropped
    }
    requestBytes.add(bytes);
    queued += bytes.remaining();
    if (queued >= PAUSE_AT && !paused) {
      paused = true;
      request.pause(); // HTTP/2 flow control: the runtime's window closes
    }
    pump();
  }

  /** Runs step() until nothing moves; re-entrant calls (the SDK answering inline) loop. */
  private void pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (!closed && step()) {
          // each step moved bytes; go on until none does
        }
      } while (again && !closed);
    } catch (RuntimeException e) {
      LOG.severe("tether stream failed: " + e);
      stopSdk(e);
      close();
    } finally {
      pumping = false;
    }
  }

  private boolean step() {
    boolean progress = feedRequest();
    progress |= feedSdk();
    progress |= takeSdkOutput();
    progress |= writeResponse();
    return progress;
  }

  /** Request bytes into the middleware, until its inbound budget pushes back. */
  private boolean feedRequest() {
    boolean progress = false;
    ByteBuffer next;
    while (!stopped && (next = requestBytes.peek()) != null) {
      int before = next.remaining();
      try {
        middleware.feed(next);
      } catch (TetherException e) { // malformed input: the middleware queued an ErrorMessage 571
        LOG.warning("bad input: " + e.getMessage());
        stopSdk(e);
        return true;
      }
      int taken = before - next.remaining();
      queued -= taken;
      progress |= taken > 0;
      if (next.hasRemaining()) {
        break; // the SDK takes its input first
      }
      requestBytes.poll();
    }
    if (stopped) {
      requestBytes.clear();
      queued = 0;
    }
    if (paused && queued < PAUSE_AT / 2) {
      paused = false;
      request.resume();
    }
    if (requestEnded && requestBytes.isEmpty() && !inputFinished && !stopped) {
      inputFinished = true;
      progress = true;
      try {
        middleware.finishInput();
      } catch (TetherException e) {
        LOG.warning("the request ended badly: " + e.getMessage());
      }
    }
    return progress;
  }

  /** The dispatch step: Pings answered, plain frames handed to the SDK as it asks. */
  private boolean feedSdk() {
    boolean progress = false;
    while (!stopped && !sdkInputDone && demand > 0) {
      byte[] frames;
      try {
        frames = middleware.takeSdkInput();
      } catch (TetherException e) { // fatal: an ErrorMessage 571 is queued; the SDK gets nothing more
        LOG.warning("stream failed: " + e.getMessage());
        stopSdk(e);
        return true;
      }
      if (frames == null) {
        sdkInputDone = true;
        sdkInput.onComplete();
        return true;
      }
      if (frames.length == 0) {
        break;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      progress = true;
      sdkInput.onNext(Slice.wrap(frames));
    }
    return progress;
  }

  /** The SDK's output into the middleware (size-checked there). */
  private boolean takeSdkOutput() {
    boolean progress = false;
    try {
      if (outputBlocked) { // a frame taken whole waits for room: retry it first
        middleware.retrySdkOutput();
        if (middleware.outputBlocked()) {
          return false;
        }
        // Not progress by itself: a large frame is taken in pieces, so the retry may
        // have had nothing to do, and counting it spun the loop while the write queue
        // was full. What it queued shows as progress in writeResponse.
        outputBlocked = false;
      }
      ByteBuffer next;
      while (!stopped && (next = sdkBytes.peek()) != null) {
        int before = next.remaining();
        middleware.sdkOutput(next);
        progress |= next.remaining() < before;
        if (middleware.replaced()) { // a 413 Failure + End went out instead: the rest is dropped
          LOG.warning("SDK output over the runtime's limit replaced by a terminal Failure 413");
          stopSdk(null);
          return true;
        }
        if (!next.hasRemaining()) {
          sdkBytes.poll();
        }
        if (middleware.outputBlocked()) {
          outputBlocked = true; // output at the high watermark: write first
          return progress;
        }
      }
      if (sdkEnded && sdkBytes.isEmpty() && !endHeld && !sdkOutputEnded) {
        progress = true;
        if (stopped || middleware.sdkOutputEnd()) {
          sdkOutputEnded = true;
        } else {
          outputBlocked = true;
        }
      }
    } catch (TetherException e) { // a frame the protocol does not allow, or a truncated end
      LOG.warning("SDK output refused: " + e.getMessage());
      stopSdk(e);
      sdkOutputEnded = true;
      return true;
    }
    if (stopped) {
      sdkBytes.clear();
    }
    return progress;
  }

  /** Middleware output onto the response while its queue has room; ends it when all is out. */
  private boolean writeResponse() {
    boolean progress = false;
    while (!response.writeQueueFull()) {
      byte[] out = middleware.takeOutput(PIECE);
      if (out.length == 0) {
        break;
      }
      response.write(Buffer.buffer(out));
      progress = true;
    }
    if ((sdkOutputEnded || stopped) && middleware.pendingOutput() == 0) {
      if (!response.ended()) {
        response.end();
      }
      close();
    }
    return progress;
  }

  /** Cuts the SDK off: its input ends with an error, its output is dropped from now on. */
  private void stopSdk(Throwable cause) {
    if (stopped) {
      return;
    }
    stopped = true;
    sdkBytes.clear();
    if (!sdkInputDone && sdkInput != null) {
      sdkInputDone = true;
      sdkInput.onError(cause != null ? cause : new CancellationException("tether ended the stream"));
    }
    if (sdkOutput != null) {
      sdkOutput.cancel();
    }
  }

  private void gone(String why) {
    if (closed) {
      return;
    }
    LOG.fine(why);
    stopSdk(new CancellationException(why));
    close();
  }

  private void close() {
    if (!closed) {
      closed = true;
      middleware.close();
    }
  }
}
