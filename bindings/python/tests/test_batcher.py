"""tether.Batcher: a Python sink on the batcher's thread, each policy, failures
reported, the SQLite sink with a spill log, misuse."""

import threading

import pytest

import tether

MS = 1_000_000


class ListSink:
    """Keeps what it was given; can be held shut to fill the queue."""

    def __init__(self, results=None):
        self.written: list[tuple[int, bytes]] = []
        self.calls = 0
        self.results = list(results or [])
        self.open = threading.Event()
        self.open.set()
        self.entered = threading.Event()

    def __call__(self, records):
        self.calls += 1
        self.entered.set()
        self.open.wait()
        if self.results:
            result = self.results.pop(0)
            if isinstance(result, Exception):
                raise result
            if result != tether.SinkResult.OK:
                return result
        self.written.extend(records)
        return None


def test_records_reach_a_python_sink_in_order():
    sink = ListSink()
    with tether.Batcher(sink, linger_ns=MS) as b:
        for i in range(100):
            b.submit(i, b"r%d" % i)
    assert [i for i, _ in sink.written] == list(range(100))
    assert sink.written[7] == (7, b"r7")


def test_reject_raises_queue_full_and_block_times_out():
    sink = ListSink()
    sink.open.clear()
    b = tether.Batcher(sink, policy=tether.OverflowPolicy.REJECT, max_batch_bytes=116,
                       max_queued_bytes=116, linger_ns=0)
    b.submit(1, bytes(100))
    assert sink.entered.wait(30)
    with pytest.raises(tether.QueueFull):
        b.submit(2, bytes(100))
    assert b.stats()["rejected"] == 1
    sink.open.set()
    assert b.close() == 0
    assert [i for i, _ in sink.written] == [1]

    blocked = ListSink()
    blocked.open.clear()
    b = tether.Batcher(blocked, policy=tether.OverflowPolicy.BLOCK, max_batch_bytes=116,
                       max_queued_bytes=116, block_timeout_ns=10 * MS, linger_ns=0)
    b.submit(1, bytes(100))
    assert blocked.entered.wait(30)
    with pytest.raises(tether.Timeout):
        b.submit(2, bytes(100))
    blocked.open.set()
    assert b.close() == 0


def test_an_exception_in_the_sink_is_retried_and_a_permanent_failure_reported():
    failed = []
    sink = ListSink([RuntimeError("db down"), tether.SinkResult.OK])
    with tether.Batcher(sink, backoff_initial_ns=MS, backoff_max_ns=MS,
                        on_failed=lambda records, code, message: failed.extend(records)) as b:
        b.submit(1, b"x")
        b.close()
        assert "db down" in b.sink_error
    assert [i for i, _ in sink.written] == [1]
    assert failed == []

    refused = []
    sink = ListSink([tether.SinkResult.PERMANENT])
    b = tether.Batcher(sink, on_failed=lambda records, code, message: refused.append(
        (records, code, message)))
    b.submit(5, b"poison")
    assert b.close() == 0
    (records, code, message), = refused
    assert records == [(5, b"poison")]
    assert code == tether.SinkRejected.code
    assert "record 5" in message


def test_oversize_record_and_misuse():
    with tether.Batcher(ListSink(), max_batch_bytes=32) as b:
        with pytest.raises(tether.RecordTooLarge, match="max_batch_bytes 32"):
            b.submit(1, bytes(17))
        with pytest.raises(TypeError):
            b.submit(2, "text is not bytes")
    with pytest.raises(tether.InvalidState, match="closed"):
        b.submit(3, b"")
    with pytest.raises(TypeError, match="sink must be"):
        tether.Batcher(42)
    with pytest.raises(TypeError, match="unknown option 'max_queue'"):
        tether.Batcher(ListSink(), max_queue=1)
    with pytest.raises(tether.InvalidArgument, match="spill_dir is required"):
        tether.Batcher(ListSink(), policy=tether.OverflowPolicy.SPILL)
    with pytest.raises(ValueError):
        tether.Batcher(ListSink()).close(-1)


def test_sqlite_sink_behind_a_spilling_batcher_stores_every_record_once(tmp_path):
    db = str(tmp_path / "store.db")
    spill = str(tmp_path / "spill")
    sink = tether.SqliteSink(db, table="activations")
    with tether.Batcher(sink, policy=tether.OverflowPolicy.SPILL, spill_dir=spill,
                        max_queued_bytes=4096, max_batch_bytes=4096) as b:
        for i in range(1, 3001):
            b.submit(i, b"activation %d" % i)
        with pytest.raises(tether.InvalidState, match="used by an open batcher"):
            sink.close()
        assert "tether_batcher_records_total" in b.prometheus()
    assert sink.count() == 3000
    # A replay of the same ids stores nothing twice.
    with tether.Batcher(sink, linger_ns=0) as b:
        for i in range(1, 101):
            b.submit(i, b"again")
    assert sink.count() == 3000
    sink.close()
    with pytest.raises(tether.InvalidState):
        sink.count()
