"""The README's runnable example keeps running and says what it promises."""
import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).parents[1] / "examples" / "session_roundtrip.py"


def test_session_roundtrip_example_answers_pings_and_echoes_the_chunked_input():
    out = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert "Ping b'nonce-1' answered=True" in out
    assert "InputCommand of 3000 bytes, reassembled from chunks" in out
    assert "send after End: Closed" in out
    # Pong, the output in three 1 KiB chunks, the second Pong (read before End), End.
    types = [line.split()[2] for line in out.splitlines() if line.startswith("  out:")]
    assert types == ["0x0009", "0x0401", "0x0401", "0x0401", "0x0009", "0x0003"]
