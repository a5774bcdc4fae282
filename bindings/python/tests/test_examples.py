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


STORE = pathlib.Path(__file__).parents[1] / "examples" / "activation_store.py"


def test_activation_store_example_stores_every_accepted_record():
    out = subprocess.run([sys.executable, str(STORE)], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.startswith("accepted 10000 ")
    assert out.rstrip().endswith("stored 10000")
    peak = int(out.split("peak_queued_bytes ")[1].split()[0])
    assert peak <= 1 << 20


SDK_SERVICE = pathlib.Path(__file__).parents[1] / "examples" / "sdk_service.py"


def test_sdk_service_example_serves_the_stock_sdk_behind_tether_and_without_it():
    import re

    from conftest import messages
    from h2c import Client

    from tether import wire

    for flags, negotiated in (([], True), (["--stock"], False)):
        process = subprocess.Popen([sys.executable, str(SDK_SERVICE), "--port", "0", *flags],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            match = re.match(r"listening on http://127\.0\.0\.1:(\d+)", process.stdout.readline())
            assert match, "the example did not start"
            with Client(int(match.group(1))) as client:
                response = client.finish(client.request(
                    "POST", "/invoke/Echo/echo",
                    {"content-type": "application/vnd.restate.invocation.v6",
                     "tether-extensions": "ping/1, chunked/1"},
                    wire.start() + wire.input_command(b"hello")))
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert response.status == 200
        assert (response.headers.get("tether-extensions") == "ping/1, chunked/1") == negotiated
        assert [m[0] for m in messages(bytes(response.body))] == [0x0401, 0x0003]
