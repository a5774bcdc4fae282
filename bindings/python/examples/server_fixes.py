"""Fixes for a Python service process serving the Restate protocol on hypercorn
0.18, shared by the examples (endpoint.py, sdk_service.py): three HTTP/2 bugs of
hypercorn (patch_hypercorn) and glibc's sliding mmap threshold
(keep_large_buffers_unpooled). Neither is tether's: both are what the conformance
cases 4 (1,000 streams) and 8 (output held back under a paused reader) need of the
server that carries the streams."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

import hypercorn.protocol.events
import hypercorn.protocol.h2
import priority


class _EndedStream:
    async def handle(self, event) -> None:
        pass  # request data for a stream whose response has ended: dropped


class _Streams(dict):
    def __missing__(self, stream_id: int) -> _EndedStream:
        return _EndedStream()


async def _send_after_drain(self, original, event) -> None:
    """hypercorn's H2Protocol.stream_send, then for response body data: waits until the
    stream's buffer has gone to h2 (which takes only what the peer's flow-control
    window allows). hypercorn's own push() meant to pause at 32 KiB, but its pause
    event is set by any short pop, including the empty pop of a stream whose window
    is 0, so a send() returned at once and a runtime that stopped reading let the
    buffer grow without bound (case 8: ~600 MiB). With this wait, at most one body
    write per stream leaves the tether session ahead of the transport; the rest
    stays in the session's queue, under its outbound budget. A disconnect or reset
    wakes the app's receive() with http.disconnect, and the app stops the send that
    waits here."""
    await original(self, event)
    if isinstance(event, (hypercorn.protocol.events.Body, hypercorn.protocol.events.Data)):
        buffer = self.stream_buffers.get(event.stream_id)
        if buffer is not None and buffer.buffer:
            await buffer.drain()


def patch_hypercorn(max_streams: int) -> None:
    """Three fixes to hypercorn 0.17/0.18's HTTP/2 layer. The first two otherwise drop
    the whole connection (every other stream on it with it):
    - its priority tree refuses a 1001st stream (priority's default maximum_streams):
      raised to max_streams;
    - DATA that arrives for a stream whose response already ended (a runtime still
      sending chunks after the stream failed with an Error) raises KeyError in its
      event loop: such data is dropped instead (it is still flow-control acknowledged);
    - sending body data does not wait for the peer's flow control: it now waits for
      the stream's buffer to drain (_send_after_drain)."""
    h2_protocol = hypercorn.protocol.h2
    h2_protocol.priority.PriorityTree = functools.partial(
        priority.PriorityTree, maximum_streams=max_streams + 1
    )
    original_init = h2_protocol.H2Protocol.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.streams = _Streams(self.streams)

    h2_protocol.H2Protocol.__init__ = init
    if not getattr(h2_protocol.H2Protocol.stream_send, "tether_drains", False):
        send = functools.partialmethod(_send_after_drain, h2_protocol.H2Protocol.stream_send)
        h2_protocol.H2Protocol.stream_send = send
        send.tether_drains = True


def keep_large_buffers_unpooled(threshold: int = 1 << 20) -> None:
    """glibc raises its mmap threshold each time a large mmapped block is freed (up to
    32 MiB), so after the first 30 MiB result, later ones come from the heap, and the
    heap keeps freed results resident: 20 x 30 MiB of queued output then cost ~950 MiB
    of RSS instead of ~630 (conformance case 8). A fixed threshold keeps every buffer
    over it in its own mapping, returned to the system when freed."""
    libc_name = ctypes.util.find_library("c")
    if sys.platform != "linux" or libc_name is None:
        return
    libc = ctypes.CDLL(libc_name)
    if hasattr(libc, "mallopt"):
        libc.mallopt(-3, threshold)  # M_MMAP_THRESHOLD (malloc.h)
