"""The examples' hypercorn patch (examples/server_fixes.py): a send of response body data returns
only once hypercorn's buffer for the stream went to h2, i.e. once the peer's
flow-control window took it. Without it a runtime that stops reading lets every
stream's output pile up in hypercorn (conformance case 8). Deterministic: the test
drives the loop by turns and decides when the "transport" takes the data."""

from __future__ import annotations

import asyncio

import hypercorn.protocol.h2 as h2_protocol
from hypercorn.asyncio.worker_context import EventWrapper
from hypercorn.protocol.events import Body

import server_fixes  # examples/, on the path by conftest


class FakePriority:
    def unblock(self, stream_id):
        pass


class FakeProtocol:
    """What H2Protocol.stream_send touches for body data."""

    def __init__(self, stream_id):
        self.priority = FakePriority()
        self.has_data = EventWrapper()
        self.stream_buffers = {stream_id: h2_protocol.StreamBuffer(EventWrapper)}


def test_body_send_waits_until_the_stream_buffer_drained():
    server_fixes.patch_hypercorn(max_streams=100)
    server_fixes.patch_hypercorn(max_streams=100)  # idempotent: one wait, not two

    async def scenario():
        protocol = FakeProtocol(1)
        buffer = protocol.stream_buffers[1]
        # The peer's window is 0: hypercorn's sender pops nothing (which, in
        # hypercorn 0.18, also releases its own high-water pause).
        assert await buffer.pop(0) == b""
        piece = bytes(256 * 1024)  # one body write
        send = asyncio.ensure_future(
            h2_protocol.H2Protocol.stream_send(protocol, Body(stream_id=1, data=piece))
        )
        for _ in range(50):
            await asyncio.sleep(0)
        assert not send.done(), "send returned while its data sat in hypercorn's buffer"
        assert len(buffer.buffer) == len(piece)
        # The window opens: the sender hands it all to h2, the send returns.
        while buffer.buffer:
            await buffer.pop(16384)
        for _ in range(5):
            await asyncio.sleep(0)
        assert send.done()
        await send

    asyncio.run(scenario())
