import pathlib
import sys

import pytest

import tether

SOURCE = pathlib.Path(__file__).resolve().parents[1]
# The examples import their shared server_fixes module as a sibling, as when run.
sys.path.insert(0, str(SOURCE / "examples"))


def pytest_report_header(config):
    return f"tether {tether.__version__} from {pathlib.Path(tether.__file__).parent}"


@pytest.fixture
def session():
    with tether.Session(extensions=tether.EXT_ALL) as s:
        yield s


def drain(session):
    """Every event the session has ready, in order."""
    events = []
    while (event := session.next_event()) is not None:
        events.append(event)
    return events


def frames(data: bytes, **options):
    """The (type, flags, payload) frames of wire bytes, through tether's own decoder."""
    with tether.Decoder(allow_continued=True, **options) as decoder:
        assert decoder.feed(data) == len(data)
        out = []
        while (frame := decoder.next()) is not None:
            out.append(frame)
        decoder.finish()
        return out


def messages(data: bytes):
    """The (type, payload) messages of wire bytes: CONTINUED chunks joined (control
    messages between chunks come out in place)."""
    out, pending = [], {}
    for type_, flags, payload in frames(data):
        pending.setdefault(type_, bytearray()).extend(payload)
        if not flags & tether.FLAG_CONTINUED:
            out.append((type_, bytes(pending.pop(type_))))
    return out
