"""The package stands alone: a wheel built without TETHER_BUILD_DIR compiles libtether
from this repository's CMake and carries it, and installs into a fresh venv outside
the checkout, where a session runs on the wheel's own copy of the library."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap
import zipfile

PACKAGE = pathlib.Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
# A fixed build directory keeps rebuilds incremental (and ccache's paths stable).
BUILD_DIR = ROOT / ".cache" / "python-wheel-build"

SESSION = textwrap.dedent("""
    import pathlib, sys
    import tether
    from tether import wire
    here = pathlib.Path(tether.__file__).resolve().parent
    assert str(here).startswith(sys.prefix), (here, sys.prefix)
    loaded = {line.split()[-1] for line in open("/proc/self/maps") if "libtether" in line}
    assert loaded == {str(here / "libtether.so.0")}, loaded
    with tether.Session(extensions=tether.EXT_PING) as s:
        s.feed(wire.start() + wire.ping(b"standalone") + wire.input_command(b"hi"))
        kinds = []
        while (event := s.next_event()) is not None:
            kinds.append(event.kind.name)
        assert wire.pong(b"standalone") in s.take_output(), "no Pong"
    print("session on", here / "libtether.so.0", kinds)
""")


def clean_env() -> dict[str, str]:
    """The environment of a machine with no tether build: no TETHER_* variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}


def test_a_wheel_built_without_a_core_build_carries_libtether_and_runs_alone(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q",
         "-w", str(wheels), "-C", f"build-dir={BUILD_DIR}", str(PACKAGE)],
        env=clean_env(), capture_output=True, text=True, timeout=1200,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = wheels.glob("tether-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tether/libtether.so.0" in names
    assert any(n.startswith("tether/_tether") and n.endswith(".so") for n in names)
    assert not [n for n in names if not n.startswith(("tether/", "tether-"))], names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
                    "--no-deps", str(wheel)], check=True, env=clean_env(), timeout=300)
    run = subprocess.run([str(venv / "bin" / "python"), "-c", SESSION], cwd=tmp_path,
                         env=clean_env(), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "session on" in run.stdout and "MESSAGE" in run.stdout
