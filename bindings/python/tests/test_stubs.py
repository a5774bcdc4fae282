"""The .pyi stubs match the module at run time (names, kinds, enum members)."""

import pathlib
import subprocess
import sys

ALLOWLIST = pathlib.Path(__file__).with_name("stubtest_allowlist.txt")


def test_stubtest_finds_nothing_outside_the_allowlist():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "tether", "--allowlist", str(ALLOWLIST)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
