"""Independent sessions on different threads, with the GIL released in long calls."""

import hashlib
import threading

import tether
from tether import wire

from conftest import frames

THREADS = 8
MESSAGES = 40
CHUNK = 64 * 1024


def run_session(seed: int, results: dict) -> None:
    sent = hashlib.sha256()
    received = hashlib.sha256()
    with tether.Session(extensions=tether.EXT_ALL, max_frame_payload=CHUNK) as s:
        s.feed(wire.start())
        while s.next_event() is not None:
            pass
        for i in range(MESSAGES):
            # sizes around the 64 KiB GIL-release threshold and over the chunk size
            payload = hashlib.sha256(f"{seed}:{i}".encode()).digest() * (1000 + 700 * i)
            s.feed(wire.chunked(tether.MSG_INPUT_COMMAND, payload, CHUNK) + wire.ping(bytes([seed, i])))
            while (event := s.next_event()) is not None:
                if event.kind == tether.EventKind.MESSAGE:
                    received.update(event.data)
                    s.send(tether.MSG_OUTPUT_COMMAND, event.data)
            out = frames(s.take_output())
            echoed = b"".join(f[2] for f in out if f[0] == tether.MSG_OUTPUT_COMMAND)
            pongs = [f[2] for f in out if f[0] == tether.MSG_PONG]
            assert echoed == payload
            assert pongs == [wire.field_bytes(1, bytes([seed, i]))]
            sent.update(payload)
    results[seed] = (sent.hexdigest(), received.hexdigest())


def test_independent_sessions_on_threads_keep_their_bytes():
    results: dict = {}
    errors = []

    def guarded(seed):
        try:
            run_session(seed, results)
        except BaseException as e:  # reported below with the thread's seed
            errors.append((seed, e))

    threads = [threading.Thread(target=guarded, args=(seed,)) for seed in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(THREADS))
    for sent, received in results.values():
        assert sent == received
