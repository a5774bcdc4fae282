"""The exception classes are generated from the C status table."""

import ast
import pathlib

import pytest

import tether

FAMILIES = {
    1: tether.BackpressureError,
    2: tether.LimitError,
    3: tether.ProtocolError,
    4: tether.UsageError,
    5: tether.ResourceError,
}


def table():
    return [row for row in tether.status_table() if row[0] != 0]


def test_one_class_per_code_under_its_family():
    rows = table()
    assert len(rows) >= 22
    for code, name, message, family, retryable, fatal in rows:
        cls = tether.errors_by_code[code]
        assert cls.code == code
        assert cls.status_name == name
        assert cls.retryable is retryable and cls.fatal is fatal
        assert cls.__doc__ == message
        assert issubclass(cls, FAMILIES[family])
        assert issubclass(cls, tether.TetherError)
        assert cls.__module__ == "tether"
        assert getattr(tether, cls.__name__) is cls


@pytest.mark.parametrize(
    "name, code_name, family",
    [
        ("WouldBlock", "TETHER_WOULD_BLOCK", tether.BackpressureError),
        ("MessageTooLarge", "TETHER_MESSAGE_TOO_LARGE", tether.LimitError),
        ("StreamFailed", "TETHER_STREAM_FAILED", tether.ProtocolError),
        ("InvalidState", "TETHER_INVALID_STATE", tether.UsageError),
        ("IO", "TETHER_IO", tether.ResourceError),
    ],
)
def test_names_follow_the_table(name, code_name, family):
    cls = getattr(tether, name)
    assert cls.status_name == code_name
    assert issubclass(cls, family)


def test_families_are_distinct_tether_errors():
    assert len(set(FAMILIES.values())) == 5
    for cls in FAMILIES.values():
        assert cls.__bases__ == (tether.TetherError,)
    assert tether.TetherError.__bases__ == (Exception,)


def test_stub_declares_every_generated_class_with_its_base():
    """The .pyi is written by hand: this keeps it equal to what the table generates."""
    stub = pathlib.Path(tether.__file__).parent / "_tether.pyi"  # the one installed
    declared = {
        node.name: [ast.unparse(base) for base in node.bases]
        for node in ast.parse(stub.read_text()).body
        if isinstance(node, ast.ClassDef)
    }
    generated = [tether.TetherError, *FAMILIES.values(), *tether.errors_by_code.values()]
    for cls in generated:
        assert declared.get(cls.__name__) == [cls.__bases__[0].__name__], cls.__name__
