"""Activation records into SQLite through a tether.Batcher that spills to disk when the
database falls behind: memory stays within max_queued_bytes and every accepted record
is stored once. Run: python bindings/python/examples/activation_store.py [DIR]"""

import pathlib
import sys
import tempfile

import tether


def main(directory: pathlib.Path) -> None:
    with tether.SqliteSink(str(directory / "store.db"), table="activations") as db:
        with tether.Batcher(db, policy=tether.OverflowPolicy.SPILL,
                            spill_dir=str(directory / "store.spill"),
                            max_queued_bytes=1 << 20, max_batch_bytes=256 << 10) as batcher:
            for i in range(1, 10_001):
                batcher.submit(i, b'{"activation": %d, "status": "success"}' % i)
            stats = batcher.stats()
        print(f"accepted {stats['accepted']} spilled {stats['spilled']} "
              f"peak_queued_bytes {stats['peak_queued_bytes']} stored {db.count()}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(pathlib.Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            main(pathlib.Path(scratch))
