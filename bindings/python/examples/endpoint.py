#!/usr/bin/env python3
"""tether's Python reference endpoint: the Echo service over h2c on hypercorn.

    python endpoint.py [--host 127.0.0.1] [--port 0] [--max-message-size BYTES]

Prints "listening on http://HOST:PORT" (the real port when --port is 0), then serves
  GET  /discover                   the endpoint manifest
  POST /invoke/Echo/echo           returns its input
  POST /invoke/Echo/big            input: decimal N; output: N zero bytes
  POST /invoke/Echo/block          input: decimal ms; blocks the asyncio loop that long
                                   with time.sleep, returns "ok"

The dispatch loop is asyncio's own: every stream is fed, polled (Pings answered) and
flushed by coroutines on the one event loop, and the handlers run on it too. So a
`block` delays every Pong on the endpoint, and also hypercorn's HTTP/2 PING replies:
in a single-threaded runtime the two cannot be told apart, which is what the
conformance suite reports for Python.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import socket
import sys
import time

from hypercorn.asyncio import serve
from hypercorn.config import Config

import tether
from server_fixes import keep_large_buffers_unpooled, patch_hypercorn

log = logging.getLogger("tether.endpoint")

SERVICE = "Echo"
MANIFEST_VERSIONS = range(1, 5)  # as the C++ endpoint: the manifest below is valid in each
OUTPUT_PIECE = 256 * 1024  # bytes per response DATA write: hypercorn's buffer stays bounded
SETTLE_STEPS = 8  # loop turns given to input that arrived while a handler blocked


class BadInput(Exception):
    """The handler's input is not what it takes: a terminal failure (400)."""


def decimal(value: bytes, what: str) -> int:
    text = value.decode("ascii", "replace").strip()
    if not text.isdigit():
        raise BadInput(f"input must be a decimal {what}, got {text[:40]!r}")
    return int(text)


def echo(value: bytes) -> bytes:
    return value


def big(value: bytes) -> bytes:
    return bytes(decimal(value, "byte count"))


def block(value: bytes) -> bytes:
    time.sleep(decimal(value, "number of milliseconds") / 1000)  # blocks the loop: the point
    return b"ok"


HANDLERS = {"echo": echo, "big": big, "block": block}


def manifest() -> dict:
    return {
        "protocolMode": "BIDI_STREAM",
        "minProtocolVersion": tether.PROTOCOL_MIN_VERSION,
        "maxProtocolVersion": tether.PROTOCOL_MAX_VERSION,
        "services": [
            {
                "name": SERVICE,
                "ty": "SERVICE",
                "handlers": [{"name": name} for name in HANDLERS],
            }
        ],
    }


def header(scope: dict, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def manifest_version(accept: str) -> int | None:
    """The highest manifest version the accept header allows (no header: the highest)."""
    if not accept.strip():
        return MANIFEST_VERSIONS[-1]
    best = None
    for item in accept.split(","):
        item = item.split(";")[0].strip()
        if item in ("*/*", "application/*"):
            return MANIFEST_VERSIONS[-1]
        match = re.fullmatch(r"application/vnd\.restate\.endpointmanifest\.v(\d{1,3})\+json", item)
        if match and int(match.group(1)) in MANIFEST_VERSIONS:
            best = max(best or 0, int(match.group(1)))
    return best


async def respond(send, status: int, body: str, content_type: str = "text/plain") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type.encode())],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class Stream:
    """One invocation: the request body feeds a tether.Invocation; its output is the
    response body. A reader task feeds and dispatches as bytes arrive (so Pings are
    answered whenever the loop is free) and watches for the runtime going away; a
    writer task sends. The handler runs on the loop when RUN comes."""

    def __init__(self, invocation: tether.Invocation, handler, receive, send):
        self.invocation = invocation
        self.handler = handler
        self.receive = receive
        self.send = send
        self.wake = asyncio.Event()  # something for the writer: input, a result, DONE
        self.progress = asyncio.Event()  # the writer dispatched and wrote
        self.writer: asyncio.Task | None = None
        self.lookahead: asyncio.Future | None = None  # a receive() read ahead
        self.disconnected = False
        self.result: tuple | None = None  # a result the invocation refused with WouldBlock
        self.settling = False  # a result went out; input read meanwhile is fed before End
        self.done = False
        self.failed = False  # feed() failed: an Error is queued, later input is dropped

    def dispatch(self) -> None:
        """The dispatch step: polls until there is nothing to do right now. It pauses
        once a result is handed over, so that Pings which reached the socket while the
        handler held the loop are fed and answered before End (PROTOCOL.md)."""
        while not self.done and not self.settling:
            try:
                event = self.invocation.poll()
            except tether.TetherError as e:  # malformed input: an Error is queued, DONE follows
                log.warning("stream failed: %s: %s", type(e).__name__, e)
                continue
            if event is None:
                return
            if event == tether.InvocationEvent.RUN:
                self.result = self.run_handler(self.invocation.input()["value"])
                self.deliver()
            elif event == tether.InvocationEvent.WRITABLE and self.result is not None:
                self.deliver()
            elif event == tether.InvocationEvent.DONE:
                self.done = True
                self.wake.set()

    def run_handler(self, value: bytes) -> tuple:
        try:
            return ("complete", self.handler(value))
        except BadInput as e:
            return ("terminal", 400, str(e))
        except Exception as e:  # a handler bug: the runtime retries the attempt
            log.exception("handler failed")
            return ("retryable", 500, f"{type(e).__name__}: {e}")

    def deliver(self) -> None:
        """Hands the handler's result to the invocation; keeps it on WouldBlock."""
        kind, *args = self.result
        try:
            if kind == "complete":
                self.invocation.complete(args[0])
            elif kind == "terminal":
                self.invocation.fail_terminal(*args)
            else:
                self.invocation.fail_retryable(*args)
        except tether.WouldBlock:
            return  # WRITABLE comes once the output has drained
        except tether.MessageTooLarge as e:  # a terminal Failure 413 went out instead
            log.warning("output refused: %s", e)
        self.result = None
        self.settling = True
        self.wake.set()

    async def flush(self) -> bool:
        wrote = False
        while out := self.invocation.take_output(limit=OUTPUT_PIECE):
            await self.send({"type": "http.response.body", "body": out, "more_body": True})
            wrote = True
        return wrote

    async def pump(self) -> None:
        """Dispatches and writes until neither has anything left to do (writing can
        let End or a refused result go out)."""
        while True:
            self.dispatch()
            self.progress.set()
            if not await self.flush():
                return

    async def write(self) -> None:
        """The only task that sends: it may wait long on a runtime that stopped reading."""
        while not self.done:
            await self.wake.wait()
            self.wake.clear()
            if self.settling:
                # A few loop turns: bytes that arrived while the handler ran are read
                # by hypercorn and fed by read() before End is queued.
                for _ in range(SETTLE_STEPS):
                    await asyncio.sleep(0)
                self.settling = False
            await self.pump()
        await self.flush()

    async def next_message(self) -> dict:
        if self.lookahead is not None:
            message, self.lookahead = await self.lookahead, None
            return message
        return await self.receive()

    async def await_progress(self) -> None:
        """Waits for the dispatch loop to make room, with one receive() outstanding so
        that a disconnect is seen even then (hypercorn never wakes a send() that waits
        on a connection which has gone)."""
        self.progress.clear()
        if self.lookahead is None:
            self.lookahead = asyncio.ensure_future(self.receive())
        progress = asyncio.ensure_future(self.progress.wait())
        await asyncio.wait({self.lookahead, progress}, return_when=asyncio.FIRST_COMPLETED)
        progress.cancel()
        if self.lookahead.done() and self.lookahead.result()["type"] == "http.disconnect":
            self.disconnect()

    def disconnect(self) -> None:
        self.disconnected = self.done = True
        self.writer.cancel()

    async def read(self) -> None:
        """Feeds the request body and then waits on, so that the runtime going away is
        noticed (and the writer stopped) whatever the writer is waiting for."""
        while not self.disconnected:
            message = await self.next_message()
            if message["type"] == "http.disconnect":
                self.disconnect()
                return
            data = memoryview(message.get("body", b"") if not self.failed else b"")
            while data and not self.disconnected:
                try:
                    taken = self.invocation.feed(data)
                except tether.TetherError as e:  # the stream failed: the rest is dropped
                    log.warning("bad input: %s: %s", type(e).__name__, e)
                    self.failed = True
                    break
                data = data[taken:]
                if data:  # inbound budget full: let the dispatch loop make room
                    self.dispatch()
                    self.wake.set()
                    await self.await_progress()
            if not message.get("more_body", False) and not self.failed:
                try:
                    self.invocation.finish_input()
                except tether.TetherError as e:
                    log.warning("input ended badly: %s: %s", type(e).__name__, e)
            self.dispatch()
            self.wake.set()

    async def run(self) -> None:
        self.writer = asyncio.create_task(self.write())
        reader = asyncio.create_task(self.read())
        try:
            await asyncio.wait({self.writer})  # DONE, or cancelled by a disconnect
        finally:
            for task in (reader, self.writer, self.lookahead):
                if task is not None:
                    task.cancel()
            await asyncio.gather(reader, self.writer, return_exceptions=True)
        if not self.disconnected:
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})


class Endpoint:
    def __init__(self, max_message_size: int):
        self.max_message_size = max_message_size

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/discover":
            await self.discover(scope, method, send)
        elif path.startswith("/invoke/"):
            await self.invoke(scope, receive, send)
        else:
            await respond(send, 404, f"no such route {path} (GET /discover, POST /invoke/{{service}}/{{handler}})\n")

    async def discover(self, scope, method, send) -> None:
        if method != "GET":
            await respond(send, 405, f"/discover takes GET, not {method}\n")
            return
        version = manifest_version(header(scope, b"accept"))
        if version is None:
            await respond(
                send,
                406,
                "accept must list application/vnd.restate.endpointmanifest.vM+json with M in "
                f"{MANIFEST_VERSIONS.start}..{MANIFEST_VERSIONS.stop - 1}, "
                f"got {header(scope, b'accept')!r}\n",
            )
            return
        content_type = f"application/vnd.restate.endpointmanifest.v{version}+json"
        await respond(send, 200, json.dumps(manifest()), content_type)

    async def invoke(self, scope, receive, send) -> None:
        path = scope["path"]
        service, _, name = path[len("/invoke/"):].partition("/")
        if service != SERVICE:
            await respond(send, 404, f"unknown service {service}\n")
            return
        handler = HANDLERS.get(name)
        if handler is None:
            await respond(send, 404, f"service {service} has no handler {name}\n")
            return
        if scope["method"] != "POST":
            await respond(send, 405, f"{path} takes POST, not {scope['method']}\n")
            return
        content_type = header(scope, b"content-type")
        try:
            version = tether.content_type_version(content_type)
        except tether.TetherError as e:
            await respond(
                send,
                415,
                f"{e}; this endpoint speaks application/vnd.restate.invocation.v"
                f"{tether.PROTOCOL_MIN_VERSION}..v{tether.PROTOCOL_MAX_VERSION}\n",
            )
            return
        try:  # the features of the extension this stream runs: what the runtime offered
            accepted = tether.extensions_parse(header(scope, tether.EXTENSIONS_HEADER.encode()))
        except tether.TetherError as e:
            await respond(send, 400, f"{e}\n")
            return
        headers = [(b"content-type", content_type.encode())]
        if accepted:
            headers.append((tether.EXTENSIONS_HEADER.encode(), tether.extensions_format(accepted).encode()))
        with tether.Invocation(
            protocol_version=version,
            extensions=accepted,
            max_message_size=self.max_message_size,
            max_output_size=self.max_message_size,
        ) as invocation:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await Stream(invocation, handler, receive, send).run()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9080)
    parser.add_argument("--max-message-size", type=int, default=tether.DEFAULT_MAX_MESSAGE_SIZE)
    parser.add_argument("--max-streams", type=int, default=2000,
                        help="concurrent HTTP/2 streams per connection")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="endpoint: %(message)s")
    keep_large_buffers_unpooled()

    # Bind first so that --port 0 can print the port the kernel chose.
    listener = socket.create_server((args.host, args.port), reuse_port=False)
    host, port = listener.getsockname()[:2]
    config = Config()
    config.bind = [f"fd://{listener.fileno()}"]
    config.h2_max_concurrent_streams = args.max_streams
    patch_hypercorn(args.max_streams)
    config.keep_alive_timeout = 3600
    config.accesslog = None
    config.loglevel = "WARNING"
    print(f"listening on http://{host}:{port}", flush=True)
    asyncio.run(serve(Endpoint(args.max_message_size), config))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
