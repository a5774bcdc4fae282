"""100k sessions through a full exchange leave neither Python objects nor C memory."""

import gc
import tracemalloc

import tether
from tether import wire

SESSIONS = 100_000
INPUT = wire.start() + wire.ping(b"nonce") + wire.input_command(b"x" * 200)


def one_exchange(i: int) -> None:
    with tether.Session(extensions=tether.EXT_ALL) as s:
        s.feed(INPUT)
        while (event := s.next_event()) is not None:
            if event.type == tether.MSG_INPUT_COMMAND:
                s.send(tether.MSG_OUTPUT_COMMAND, event.data)
        s.send(tether.MSG_END, b"")
        s.take_output()
    if i % 3 == 0:  # misuse paths allocate exception objects and messages too
        try:
            s.feed(b"")
        except tether.InvalidState:
            pass
    if i % 5 == 0:
        bad = tether.Session(extensions=tether.EXT_ALL)  # never closed: freed by the finalizer
        try:
            bad.feed(wire.frame(0x03FF, b""))
        except tether.ProtocolError:
            pass


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_no_leak_over_100k_sessions():
    for i in range(2000):  # warm up caches and allocator arenas
        one_exchange(i)
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    traced_before, _ = tracemalloc.get_traced_memory()
    for i in range(SESSIONS):
        one_exchange(i)
    gc.collect()
    traced_after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = rss_bytes()
    # One leaked object per session would be >= 3 MB here; allow allocator noise.
    assert traced_after - traced_before < 256 * 1024, traced_after - traced_before
    # One leaked session (its buffers) per session would be hundreds of MB.
    assert rss_after - rss_before < 16 << 20, rss_after - rss_before
