#!/usr/bin/env python3
"""The official Restate Python SDK (restate-sdk) with tether in front of it.

    python sdk_service.py [--host 127.0.0.1] [--port 0] [--max-message-size BYTES]
                          [--max-streams N] [--stock]

A stock restate-sdk service, Echo, served by hypercorn over h2c; the one tether line
is marked below (--stock leaves it out, to compare). Prints
"listening on http://HOST:PORT" (the real port when --port is 0). Handlers, all
bytes in and bytes out:
  echo   returns its input
  big    input: decimal N; output: N zero bytes
  block  input: decimal ms; blocks the asyncio loop that long (time.sleep), returns "ok"

Try it:  curl --http2-prior-knowledge http://127.0.0.1:PORT/discover \
           -H 'accept: application/vnd.restate.endpointmanifest.v3+json'
(the SDK refuses an accept of */*), or register it with a Restate server.

The server process gets the fixes endpoint.py has (server_fixes.py: hypercorn's
HTTP/2 bugs, glibc's mmap threshold), with and without tether alike.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import time

import restate
from hypercorn.asyncio import serve
from hypercorn.config import Config
from restate.serde import BytesSerde
from restate.server import install_shutdown_hook

import tether
import tether.asgi
from server_fixes import keep_large_buffers_unpooled, patch_hypercorn

echo_service = restate.Service("Echo")
raw = {"input_serde": BytesSerde(), "output_serde": BytesSerde(),
       "accept": "*/*", "content_type": "application/octet-stream"}


def decimal(value: bytes, what: str) -> int:
    text = value.decode("ascii", "replace").strip()
    if not text.isdigit():
        raise restate.TerminalError(f"input must be a decimal {what}, got {text[:40]!r}", 400)
    return int(text)


@echo_service.handler(**raw)
async def echo(ctx: restate.Context, value: bytes) -> bytes:
    return value


@echo_service.handler(**raw)
async def big(ctx: restate.Context, value: bytes) -> bytes:
    return bytes(decimal(value, "byte count"))


@echo_service.handler(**raw)
async def block(ctx: restate.Context, value: bytes) -> bytes:
    time.sleep(decimal(value, "number of milliseconds") / 1000)  # blocks the loop: the point
    return b"ok"


def make_app(max_message_size: int, stock: bool = False):
    app = restate.app(services=[echo_service])
    if stock:
        return app
    # The one line that puts tether in front of the SDK:
    return tether.asgi.TetherMiddleware(app, max_output_size=max_message_size,
                                        max_message_size=max_message_size)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9080)
    parser.add_argument("--max-message-size", type=int, default=tether.DEFAULT_MAX_MESSAGE_SIZE)
    parser.add_argument("--max-streams", type=int, default=2000,
                        help="concurrent HTTP/2 streams per connection")
    parser.add_argument("--stock", action="store_true", help="the SDK alone, without tether")
    args = parser.parse_args(argv)
    keep_large_buffers_unpooled()

    # Bind first so that --port 0 can print the port the kernel chose.
    listener = socket.create_server((args.host, args.port))
    host, port = listener.getsockname()[:2]
    config = Config()
    config.bind = [f"fd://{listener.fileno()}"]
    config.h2_max_concurrent_streams = args.max_streams
    patch_hypercorn(args.max_streams)
    config.keep_alive_timeout = 3600
    # hypercorn closes a connection after 1,000 requests by default; a runtime (or
    # h2load) keeps its connections for far longer.
    config.keep_alive_max_requests = 1 << 62
    config.accesslog = None
    config.loglevel = "WARNING"
    print(f"listening on http://{host}:{port}", flush=True)
    asyncio.run(run(make_app(args.max_message_size, args.stock), config))
    return 0


async def run(app, config: Config) -> None:
    # The SDK takes SIGTERM over on the loop (to end its invocations gracefully) and so
    # hypercorn's own handler never runs: a hook beside the SDK's stops the server.
    stop = asyncio.Event()
    install_shutdown_hook(asyncio.get_running_loop(), stop.set)
    await serve(app, config, shutdown_trigger=stop.wait)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
