"""tether in front of an upstream SDK's ASGI app (PROTOCOL.md, "tether in front of an
upstream SDK"): one line in the service a user already runs,

    app = tether.asgi.TetherMiddleware(restate.app(services=[greeter]))

Each invocation stream (``POST .../invoke/{service}/{handler}``) gets a
``tether.Middleware`` driven on the asyncio loop that runs the SDK:

- the request body is fed to it in the SDK's own ``receive()``: Pings are answered
  there (so a Pong proves the SDK's loop ran), CONTINUED chunks are reassembled, and
  the SDK is handed whole plain frames, every other byte unchanged;
- every body the SDK sends goes through it: each message is checked against the
  runtime's limit before any byte of it is written; the first one over it becomes a
  terminal Failure 413 + End, the SDK is cut off (its ``receive()`` says
  ``http.disconnect``) and tether ends the response;
- malformed input from the runtime: the SDK is given none of it and is cut off the
  same way; the runtime gets the ErrorMessage 571 tether queued;
- ``tether-extensions`` is negotiated: the 200 names what this stream accepts;
- a protocol version outside the range the app advertises gets 415 (the app's
  manifest is read once per mount point, in process, through its own ``/discover``).

Everything else (discovery, health, other methods, an unparseable content type, a
response other than 200) goes to the app untouched. Nothing here imports the SDK:
it is plain ASGI 3, so any app that speaks the service protocol over ASGI fits.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, MutableMapping

from ._tether import (
    DEFAULT_MAX_MESSAGE_SIZE,
    EXT_ALL,
    EXT_PING,
    EXTENSIONS_HEADER,
    MSG_END,
    MessageTooLarge,
    Middleware,
    TetherError,
    UnsupportedVersion,
    content_type_version,
    encode_frame_header,
    extensions_format,
    extensions_parse,
)

__all__ = ["TetherMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("tether.asgi")

_EXTENSIONS_HEADER = EXTENSIONS_HEADER.encode()
_DISCONNECT: Message = {"type": "http.disconnect"}
# The SDK's output ends with an End frame (no payload, no flags): it is held back for
# a few loop turns so that Pings which reached the socket while the handler held the
# loop are read and answered before it (PROTOCOL.md: answered before End).
_END_FRAME = encode_frame_header(MSG_END, 0, 0)
SETTLE_STEPS = 8  # quiet loop turns that end the wait
SETTLE_MAX_TURNS = 1000
OUTPUT_PIECE = 1 << 20  # bytes per response body write: one copy of the queue at most
# Any manifest version names the protocol range; restate-sdk refuses an accept of */*.
_MANIFEST_ACCEPT = b"application/vnd.restate.endpointmanifest.v3+json"


def _invocation_prefix(scope: Scope) -> str | None:
    """The mount point of POST {prefix}/invoke/{service}/{handler}, as the SDK routes
    it; None for any other request."""
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return None
    parts: list[str] = str(scope.get("path", "")).rsplit("/", 3)
    if len(parts) == 4 and parts[1] == "invoke" and parts[2] and parts[3]:
        return parts[0]
    return None


def _headers(scope: Scope) -> tuple[bytes, bytes | None]:
    """The content-type and tether-extensions headers, read in one pass."""
    content_type, extensions = b"", None
    for key, value in scope.get("headers", ()):
        key = key.lower()
        if key == b"content-type":
            content_type = bytes(value)
        elif key == _EXTENSIONS_HEADER:
            extensions = bytes(value)
    return content_type, extensions


class TetherMiddleware:
    """ASGI middleware: a tether session in front of every invocation stream of app.

    max_output_size: the runtime's limit for one message (default 32 MiB, the Restate
    server's); extensions: the EXT_* features accepted when the runtime offers them
    (default EXT_ALL);
    other keywords are tether.Session options (max_frame_payload, max_message_size,
    inbound_budget, outbound_high_watermark, outbound_low_watermark). Bad options
    raise here, not on the first request."""

    def __init__(self, app: ASGIApp, *, max_output_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                 extensions: int = EXT_ALL, **session_options: int):
        self.app = app
        self.extensions = extensions
        # mount point -> the app's advertised (min, max) protocol versions, None if
        # its manifest could not be read; the read in progress until then
        self.advertised: dict[str, tuple[int, int] | None] = {}
        self.discovering: dict[str, asyncio.Task[tuple[int, int] | None]] = {}
        self.options = dict(session_options, max_output_size=max_output_size)
        extensions_format(extensions)  # InvalidArgument for bits that are not EXT_*
        Middleware(**self.options).close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = _invocation_prefix(scope)
        if prefix is None:
            await self.app(scope, receive, send)
            return
        content_type, offer = _headers(scope)
        advertised = self.advertised[prefix] if prefix in self.advertised else \
            await self._advertised(scope, prefix)
        try:
            version = content_type_version(content_type.decode("latin-1"))
        except UnsupportedVersion as e:
            if advertised is None:
                await self.app(scope, receive, send)  # the app answers it its own way
            else:
                await _refuse(receive, send, 415, f"{e}; this endpoint advertises "
                              f"V{advertised[0]}..V{advertised[1]}")
            return
        except TetherError:
            await self.app(scope, receive, send)  # not an invocation content type: the app's
            return
        if advertised is not None and not advertised[0] <= version <= advertised[1]:
            # (restate-sdk 1.3.0 would run V8 though it advertises up to V7)
            await _refuse(receive, send, 415, f"unsupported protocol version V{version}: this "
                          f"endpoint advertises V{advertised[0]}..V{advertised[1]}")
            return
        try:
            accepted = extensions_parse(offer, self.extensions)
        except TetherError as e:
            await _refuse(receive, send, 400, str(e))
            return
        with Middleware(protocol_version=version, extensions=accepted, **self.options) as m:
            await _Stream(m, accepted, receive, send).run(self.app, scope)

    async def _advertised(self, scope: Scope, prefix: str) -> tuple[int, int] | None:
        """The app's advertised protocol range for the mount point prefix, read once
        (concurrent first streams share the read)."""
        task = self.discovering.get(prefix)
        if task is None:
            task = asyncio.ensure_future(_discover(self.app, scope, prefix))
            self.discovering[prefix] = task
        try:
            advertised = await asyncio.shield(task)
        except Exception as e:  # the app failed on it: as if it served no manifest
            log.warning("reading the app's manifest at %s/discover failed: %s: %s", prefix,
                        type(e).__name__, e)
            advertised = None
        self.advertised[prefix] = advertised
        self.discovering.pop(prefix, None)
        return advertised


async def _discover(app: ASGIApp, scope: Scope, prefix: str) -> tuple[int, int] | None:
    """GET {prefix}/discover from the app in process; its manifest's protocol range,
    or None (logged) when it answers otherwise (e.g. 401 with request signing on)."""
    request = {key: scope[key] for key in ("asgi", "http_version", "scheme", "root_path",
                                           "client", "server") if key in scope}
    path = prefix + "/discover"
    request.update(type="http", method="GET", path=path, raw_path=path.encode(),
                   query_string=b"", headers=[(b"accept", _MANIFEST_ACCEPT)])
    answer: dict[str, Any] = {"status": None, "body": b""}
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return dict(_DISCONNECT)
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message.get("status")
        elif message["type"] == "http.response.body":
            answer["body"] += bytes(message.get("body", b""))

    await app(request, receive, send)
    try:
        if answer["status"] != 200:
            raise ValueError(f"HTTP {answer['status']}")
        manifest = json.loads(answer["body"])
        low, high = manifest["minProtocolVersion"], manifest["maxProtocolVersion"]
        if not (isinstance(low, int) and isinstance(high, int) and low <= high):
            raise ValueError(f"protocol versions {low!r}..{high!r}")
    except (ValueError, KeyError, TypeError) as e:
        log.warning("no protocol range from the app's %s: %s; every version it is sent "
                    "goes to it", path, e)
        return None
    return low, high


async def _refuse(receive: Receive, send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain")]})
    # Read the request to its end first: hypercorn drops a stream whose response ended.
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    await send({"type": "http.response.body", "body": text.encode() + b"\n"})


class _Stream:
    """One invocation: the SDK's receive() and send() wrapped around a Middleware.

    Wire order is the order output is taken from the middleware, so every take and
    write happens under one lock. Once tether cuts the SDK off (a 413 Failure + End
    or an ErrorMessage 571 is queued and written), the SDK's output is dropped, its
    receive() says http.disconnect, and when the app returns the response is ended
    as the SDK would end it: after the runtime has closed its input."""

    def __init__(self, middleware: Middleware, accepted: int, receive: Receive, send: Send):
        self.m = middleware
        self.pings = bool(accepted & EXT_PING)  # Pings can arrive: keep them in order
        self.header = extensions_format(accepted).encode() if accepted else None
        self.upstream_receive = receive
        self.upstream_send = send
        self.lock = asyncio.Lock()
        self.started = False  # the 200 went out: body writes may follow
        self.passthrough = False  # the app answered other than 200: not a stream
        self.cut_off = False
        self.reads = 0  # upstream messages taken: settle() watches it
        self.input_ended = False  # the runtime's body ended (more_body False) or it left
        self.finished = False  # finish_input() was called
        self.disconnected = False
        self.sender: asyncio.Task[Any] | None = None  # the task in a body write
        self.sender_cancelled = False  # _disconnect() cancelled it
        self.response_ended = False

    async def run(self, app: ASGIApp, scope: Scope) -> None:
        try:
            await app(scope, self.receive, self.send)
        finally:
            if self.cut_off and self.started:
                await self._end_after_input()

    async def _end_after_input(self) -> None:
        # hypercorn forgets a stream whose response ended and fails on its late data:
        # the response ends once the runtime has closed its input, as the SDK does it.
        while not self.input_ended:
            message = await self.upstream_receive()
            if message["type"] == "http.disconnect":
                self._disconnect()
            if message["type"] != "http.request" or not message.get("more_body", False):
                self.input_ended = True
        async with self.lock:
            if not self.response_ended and not self.disconnected:
                await self._send_body(b"", False)
                self.response_ended = True

    # ---- runtime -> SDK

    async def receive(self) -> Message:
        if self.passthrough:
            return await self.upstream_receive()
        if self.pings:
            # One loop turn first: the SDK task that took the last input runs before
            # more is read, so a Ping behind a message is answered after its work.
            await asyncio.sleep(0)
        while True:
            if self.cut_off:
                return dict(_DISCONNECT)
            message = await self.upstream_receive()
            self.reads += 1
            if message["type"] == "http.disconnect":
                self._disconnect()
            if message["type"] != "http.request" or self.input_ended:
                return message
            more = bool(message.get("more_body", False))
            self.input_ended = not more
            if self.cut_off:
                return dict(_DISCONNECT)
            try:
                pieces = await self._feed(message.get("body", b""), more)
            except TetherError as e:
                log.warning("invalid input from the runtime, the SDK is cut off: %s: %s",
                            type(e).__name__, e)
                self.cut_off = True
                await self._flush()  # the ErrorMessage
                return dict(_DISCONNECT)
            if pieces or not more:
                return {"type": "http.request", "body": b"".join(pieces), "more_body": more}

    def _disconnect(self) -> None:
        self.input_ended = self.disconnected = True
        if self.sender is not None and not self.sender_cancelled and \
                self.sender is not asyncio.current_task():
            self.sender_cancelled = True  # a body write waits: see _send_body
            self.sender.cancel()

    async def _feed(self, body: bytes, more: bool) -> list[bytes]:
        """Feeds body (and the end of input when more is False); returns the plain
        frames ready for the SDK. Pongs are written as they are queued."""
        pieces: list[bytes] = []
        view = memoryview(body)
        while True:
            fed = self.m.feed(view) if view else 0  # fewer: the inbound budget is full
            view = view[fed:]
            if not view and not more and not self.finished:
                self.m.finish_input()
                self.finished = True
            took = self._take_sdk_input(pieces)
            # Written now: a Pong that found output at its high watermark waits for this.
            wrote = await self._flush() if self.m.has_output else False
            if not view and not wrote:
                return pieces
            if not (fed or took or wrote):
                raise RuntimeError("tether took no input and had none for the SDK")

    def _take_sdk_input(self, pieces: list[bytes]) -> bool:
        before = len(pieces)
        while piece := self.m.take_sdk_input():
            pieces.append(piece)
        return len(pieces) > before

    # ---- SDK -> runtime

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await self._start(message)
        elif self.passthrough or kind != "http.response.body":
            await self.upstream_send(message)
        elif not self.cut_off and not self.disconnected:
            await self._body(message.get("body", b""), bool(message.get("more_body", False)))

    async def _start(self, message: Message) -> None:
        if message.get("status") != 200:
            self.passthrough = True
            await self.upstream_send(message)
            return
        if self.header is not None:
            message = dict(message, headers=[*message.get("headers", ()), (_EXTENSIONS_HEADER, self.header)])
        async with self.lock:
            await self.upstream_send(message)
            self.started = True
            if self.m.has_output:
                await self._write()  # what came before the 200: a 571 for early bad input

    async def _body(self, body: bytes, more: bool) -> None:
        view = memoryview(body)
        if self.pings and view[-len(_END_FRAME):] == _END_FRAME:
            async with self.lock:
                await self._output(view[: -len(_END_FRAME)])
            await self._settle()
            view = view[-len(_END_FRAME):]
        async with self.lock:
            if view:  # (_output leaves no frame waiting for room: b"" has nothing to do)
                await self._output(view)
            if not (more or self.cut_off or self.disconnected):
                await self._end()

    async def _end(self) -> None:
        """The SDK's response ended (call with the lock held): the rest is written and
        the response ended."""
        try:
            while self.m.sdk_output_end():  # a frame waits for room
                await self._write()
                self.m.sdk_output(b"")
        except TetherError as e:
            log.warning("the SDK's output ended badly: %s: %s", type(e).__name__, e)
        await self._write()
        if not self.disconnected:
            await self._send_body(b"", False)
        self.response_ended = True

    async def _settle(self) -> None:
        """Loop turns until no upstream message came for SETTLE_STEPS of them, so that
        Pings which reached the socket while the handler held the loop are read (and
        answered) before End."""
        quiet = turns = 0
        seen = self.reads
        while quiet < SETTLE_STEPS and turns < SETTLE_MAX_TURNS and not self.input_ended:
            await asyncio.sleep(0)
            turns += 1
            quiet = quiet + 1 if self.reads == seen else 0
            seen = self.reads

    async def _output(self, view: memoryview) -> None:
        """The SDK's bytes through the middleware, written as it queues them (call with
        the lock held): a large message goes out in pieces under the high watermark."""
        blocked = True
        while (view or blocked) and not self.cut_off:
            try:
                taken, blocked = self.m.sdk_output(view)
            except MessageTooLarge as e:
                log.warning("SDK output over the runtime's limit, failed with 413: %s", e)
                self.cut_off = True  # the rest of the SDK's output is dropped
                taken, blocked = len(view), False
            except TetherError as e:  # a Ping, a Pong or an unknown type from the SDK
                log.warning("the SDK sent what the protocol does not allow: %s: %s",
                            type(e).__name__, e)
                self.cut_off = True
                taken, blocked = len(view), False
            view = view[taken:]
            await self._write()  # at the high watermark: write, then the rest

    async def _flush(self) -> bool:
        async with self.lock:
            return await self._write()

    async def _write(self) -> bool:
        """Writes what the middleware queued (call with the lock held); True if it
        wrote anything."""
        wrote = False
        if not self.started or self.response_ended:
            return wrote
        while not self.disconnected and (out := self.m.take_output(OUTPUT_PIECE)):
            await self._send_body(out, True)
            wrote = True
            if len(out) < OUTPUT_PIECE:  # that was all (what comes meanwhile: see _flush)
                break
        return wrote

    async def _send_body(self, body: bytes, more: bool) -> None:
        """A body write that gives up when the runtime disconnects: hypercorn never
        wakes a send() that waits for flow control on a connection that has gone, and
        the SDK's attempt would hang in it for good. The write runs in the calling
        task (no task and wait per write): _disconnect() cancels that task while it
        waits here, and only that cancellation is absorbed."""
        if self.disconnected:
            return
        self.sender = asyncio.current_task()
        try:
            await self.upstream_send({"type": "http.response.body", "body": body, "more_body": more})
        except asyncio.CancelledError:
            if not self.sender_cancelled or self.sender is None or self.sender.uncancel() > 0:
                raise  # a cancellation of the SDK's own
        finally:
            self.sender = None
            self.sender_cancelled = False
