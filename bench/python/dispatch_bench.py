#!/usr/bin/env python3
"""Ping turnaround and 1 KiB message dispatch through the Python binding against the
same loops through the C API, in one run. Target: Python at most 10x C.

    python bench/python/dispatch_bench.py [--build build] [--batches 101] [--ops 1000]

Each figure is the median over batches of the mean time per operation in a batch.
  ping:    feed one Ping frame, dispatch it (next_event), take the Pong bytes
  message: feed one frame holding a 1 KiB InputCommand, dispatch it (the payload is
           copied into a bytes object on the Python side: that is the binding's cost)
"""

import argparse
import pathlib
import statistics
import subprocess
import sys
import time

import tether
from tether import wire

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET_RATIO = 10.0


def build_c_loop(build_dir: pathlib.Path, out_dir: pathlib.Path) -> pathlib.Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    exe = out_dir / "dispatch_loop"
    libdir = (build_dir / "capi").resolve()
    subprocess.run(
        ["cc", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror",
         "-I", str(ROOT / "capi" / "include"), str(ROOT / "bench" / "python" / "dispatch_loop.c"),
         "-L", str(libdir), "-ltether", f"-Wl,-rpath,{libdir}", "-o", str(exe)],
        check=True,
    )
    return exe


def c_figures(exe: pathlib.Path, batches: int, ops: int) -> dict:
    out = subprocess.run([str(exe), str(batches), str(ops)], check=True, capture_output=True,
                         text=True).stdout
    return {name: float(value) for name, value in (line.split() for line in out.splitlines())}


def started_session() -> tether.Session:
    session = tether.Session(extensions=tether.EXT_ALL)
    session.feed(wire.start(id=b"inv", debug_id="inv"))
    while session.next_event() is not None:
        pass
    return session


def ping_op(session, frame):
    session.feed(frame)
    session.next_event()
    session.take_output()


def message_op(session, frame):
    session.feed(frame)
    session.next_event()


def median_ns(op, frame: bytes, batches: int, ops: int) -> float:
    with started_session() as session:
        for _ in range(ops):  # warm up
            op(session, frame)
        per_op = []
        clock = time.perf_counter_ns
        for _ in range(batches):
            t0 = clock()
            for _ in range(ops):
                op(session, frame)
            per_op.append((clock() - t0) / ops)
    return statistics.median(per_op)


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--batches", type=int, default=101)
    parser.add_argument("--ops", type=int, default=1000)
    args = parser.parse_args(argv)

    ping = wire.ping(b"nonce-01")
    message = wire.input_command(b"m" * 1018)
    assert len(message) == tether.FRAME_HEADER_SIZE + 1024, len(message)

    exe = build_c_loop(args.build, ROOT / ".cache" / "bench-python")
    c = c_figures(exe, args.batches, args.ops)
    py = {
        "ping": median_ns(ping_op, ping, args.batches, args.ops),
        "message": median_ns(message_op, message, args.batches, args.ops),
    }
    print(f"{'loop':<10}{'C ns/op':>10}{'Python ns/op':>14}{'ratio':>8}   (target <= {TARGET_RATIO:g}x)")
    worst = 0.0
    for name in ("ping", "message"):
        ratio = py[name] / c[name]
        worst = max(worst, ratio)
        print(f"{name:<10}{c[name]:>10.1f}{py[name]:>14.1f}{ratio:>7.1f}x")
    print(f"worst ratio {worst:.1f}x: {'within' if worst <= TARGET_RATIO else 'OVER'} target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
