"""Type stubs of tether._tether (the pybind11 module over tether.h).

The TypedDicts (SessionStats, RttSummary, ProberStats, StateChange, InvocationInput,
BatcherStats) describe the dicts the module returns; they exist for type checkers only."""

import enum
from typing import Callable, Final, TypedDict, final

from typing_extensions import Buffer

VERSION: Final[str]
ABI_VERSION: Final[int]
PROTOCOL_MIN_VERSION: Final[int]
PROTOCOL_MAX_VERSION: Final[int]
DEFAULT_MAX_FRAME_PAYLOAD: Final[int]
DEFAULT_MAX_MESSAGE_SIZE: Final[int]
FRAME_HEADER_SIZE: Final[int]
FLAG_REQUESTED_ACK: Final[int]
FLAG_CONTINUED: Final[int]
MSG_START: Final[int]
MSG_SUSPENSION: Final[int]
MSG_ERROR: Final[int]
MSG_END: Final[int]
MSG_COMMAND_ACK: Final[int]
MSG_PROPOSE_RUN_COMPLETION: Final[int]
MSG_AWAITING_ON: Final[int]
MSG_PROPOSE_RUN_COMPLETION_ACK: Final[int]
MSG_PING: Final[int]
MSG_PONG: Final[int]
MSG_INPUT_COMMAND: Final[int]
MSG_OUTPUT_COMMAND: Final[int]
EXTENSIONS_HEADER: Final[str]
EXTENSIONS_MAX_LENGTH: Final[int]
EXT_PING: Final[int]
EXT_CHUNKED: Final[int]
EXT_ALL: Final[int]

def extensions_parse(value: str | Buffer | None, supported: int = ...) -> int: ...
def extensions_format(extensions: int) -> str: ...
def status_table() -> list[tuple[int, str, str, int, bool, bool]]: ...
def encode_frame_header(type: int, flags: int, length: int) -> bytes: ...

# ---- Errors: generated from tether_status_table() at import (tests keep this in step)

class TetherError(Exception):
    code: int
    status_name: str
    retryable: bool
    fatal: bool

class BackpressureError(TetherError):
    family: int

class LimitError(TetherError):
    family: int

class ProtocolError(TetherError):
    family: int

class UsageError(TetherError):
    family: int

class ResourceError(TetherError):
    family: int

class WouldBlock(BackpressureError): ...
class Empty(BackpressureError): ...
class QueueFull(BackpressureError): ...
class Timeout(BackpressureError): ...
class MessageTooLarge(LimitError): ...
class InvalidArgument(UsageError): ...
class InvalidState(UsageError): ...
class NoMemory(ResourceError): ...
class Truncated(ProtocolError): ...
class FrameTooLarge(LimitError): ...
class UnknownType(ProtocolError): ...
class BadFlags(ProtocolError): ...
class StreamFailed(ProtocolError): ...
class ChunkInterleaved(ProtocolError): ...
class ChunkTypeChange(ProtocolError): ...
class ReassemblyTooLarge(LimitError): ...
class BadMessage(ProtocolError): ...
class ProtocolViolation(ProtocolError): ...
class UnsupportedVersion(ProtocolError): ...
class Closed(UsageError): ...
class IO(ResourceError): ...
class Internal(ResourceError): ...
class RecordTooLarge(LimitError): ...
class SpillCorrupt(ResourceError): ...
class SinkRejected(ResourceError): ...
class RetriesExhausted(ResourceError): ...

errors_by_code: dict[int, type[TetherError]]

# ---- Session

class EventKind(enum.IntEnum):
    MESSAGE = 1
    PING = 2
    WRITABLE = 3

@final
class Event(tuple[EventKind, int, int, bytes, bool]):
    """A struct sequence (kind, type, flags, data, answered), made in C."""

    n_fields: Final[int]
    n_sequence_fields: Final[int]
    n_unnamed_fields: Final[int]
    @property
    def kind(self) -> EventKind: ...
    @property
    def type(self) -> int: ...
    @property
    def flags(self) -> int: ...
    @property
    def data(self) -> bytes: ...
    @property
    def answered(self) -> bool: ...

class SessionStats(TypedDict):
    bytes_in: int
    bytes_out: int
    frames_in: int
    frames_out: int
    chunks_in: int
    chunks_out: int
    messages_in: int
    messages_out: int
    pings_answered: int
    inbound_buffered: int
    outbound_buffered: int
    peak_inbound_buffered: int
    peak_outbound_buffered: int

class Session:
    def __init__(
        self,
        *,
        protocol_version: int = ...,
        max_frame_payload: int = ...,
        max_message_size: int = ...,
        inbound_budget: int = ...,
        outbound_high_watermark: int = ...,
        outbound_low_watermark: int = ...,
        extensions: int = ...,
    ) -> None: ...
    def feed(self, data: Buffer) -> int: ...
    def finish_input(self) -> None: ...
    def next_event(self) -> Event | None: ...
    def send(self, type: int, payload: Buffer) -> None: ...
    def take_output(self, limit: int | None = None) -> bytes: ...
    def pending_output(self) -> bytes: ...
    def consume_output(self, n: int) -> None: ...
    def stats(self) -> SessionStats: ...
    @property
    def last_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    @property
    def protocol_version(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> Session: ...
    def __exit__(self, *args: object) -> None: ...

# ---- Frame decoder

class Decoder:
    def __init__(
        self,
        *,
        max_frame_payload: int | None = None,
        max_buffered: int | None = None,
        allow_continued: bool = False,
    ) -> None: ...
    def feed(self, data: Buffer) -> int: ...
    def next(self) -> tuple[int, int, bytes] | None: ...
    def finish(self) -> None: ...
    @property
    def last_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Decoder: ...
    def __exit__(self, *args: object) -> None: ...

# ---- Prober

class DeploymentState(enum.IntEnum):
    HEALTHY = 0
    DEGRADED = 1
    CONGESTED = 2

class ProbeSelection(enum.IntEnum):
    ONE_PER_DEPLOYMENT = 0
    SAMPLE = 1
    ALL = 2

class StateChange(TypedDict):
    deployment: str
    from_state: DeploymentState
    to_state: DeploymentState
    at_ns: int
    window_samples: int
    window_timeouts: int
    timeout_ratio: float
    quantile_ns: int
    p50_ns: int
    p90_ns: int
    p99_ns: int
    max_ns: int

class RttSummary(TypedDict):
    count: int
    timeouts: int
    sum_ns: int
    min_ns: int
    p50_ns: int
    p90_ns: int
    p99_ns: int
    max_ns: int

class ProberStats(TypedDict):
    pings_sent: int
    pongs_matched: int
    pongs_unexpected: int
    timeouts: int
    streams: int
    deployments: int
    outstanding: int

class Prober:
    def __init__(
        self,
        *,
        selection: ProbeSelection | None = None,
        on_state_change: Callable[[StateChange], object] | None = None,
        sample_size: int = ...,
        interval_ns: int = ...,
        suspect_interval_ns: int = ...,
        pong_timeout_ns: int = ...,
        window_ns: int = ...,
        window_max_samples: int = ...,
        min_samples: int = ...,
        quantile: float = ...,
        degraded_rtt_ns: int = ...,
        congested_rtt_ns: int = ...,
        degraded_timeout_ratio: float = ...,
        congested_timeout_ratio: float = ...,
        exit_fraction: float = ...,
        escalate_after: int = ...,
        recover_after: int = ...,
        max_streams: int = ...,
        max_deployments: int = ...,
    ) -> None: ...
    def add_stream(self, stream: int, deployment: str, now_ns: int | None = None) -> None: ...
    def remove_stream(self, stream: int) -> None: ...
    def poll(self, now_ns: int | None = None) -> tuple[list[tuple[int, bytes]], int | None]: ...
    def on_pong(self, stream: int, nonce: Buffer, now_ns: int | None = None) -> None: ...
    def on_pong_message(self, stream: int, payload: Buffer, now_ns: int | None = None) -> None: ...
    def state(self, deployment: str) -> DeploymentState: ...
    def summary(self, deployment: str | None = None) -> RttSummary: ...
    def stats(self) -> ProberStats: ...
    def prometheus(self) -> str: ...
    @property
    def last_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Prober: ...
    def __exit__(self, *args: object) -> None: ...

# ---- Invocation

class InvocationState(enum.IntEnum):
    WAITING_START = 0
    WAITING_INPUT = 1
    RUNNING = 2
    ENDING = 3
    DONE = 4

class InvocationEvent(enum.IntEnum):
    RUN = 1
    WRITABLE = 2
    DONE = 3

class InvocationInput(TypedDict):
    id: bytes
    debug_id: str
    key: str
    known_entries: int
    retry_count_since_last_stored_entry: int
    duration_since_last_stored_entry: int
    random_seed: int
    value: bytes
    headers: list[tuple[str, str]]

def content_type_version(content_type: str, max_version: int = ...) -> int: ...

class Invocation:
    def __init__(
        self,
        *,
        max_output_size: int = ...,
        protocol_version: int = ...,
        max_frame_payload: int = ...,
        max_message_size: int = ...,
        inbound_budget: int = ...,
        outbound_high_watermark: int = ...,
        outbound_low_watermark: int = ...,
        extensions: int = ...,
    ) -> None: ...
    def feed(self, data: Buffer) -> int: ...
    def finish_input(self) -> None: ...
    def poll(self) -> InvocationEvent | None: ...
    def input(self) -> InvocationInput: ...
    def complete(self, value: Buffer) -> None: ...
    def fail_terminal(self, code: int, message: str) -> None: ...
    def fail_retryable(self, code: int, message: str) -> None: ...
    def take_output(self, limit: int | None = None) -> bytes: ...
    @property
    def state(self) -> InvocationState: ...
    def stats(self) -> SessionStats: ...
    @property
    def last_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Invocation: ...
    def __exit__(self, *args: object) -> None: ...

# ---- Batcher

class OverflowPolicy(enum.IntEnum):
    REJECT = 0
    BLOCK = 1
    SPILL = 2

class SpillFsync(enum.IntEnum):
    INTERVAL = 0
    ALWAYS = 1
    NEVER = 2

class SinkResult(enum.IntEnum):
    OK = 0
    RETRYABLE = 1
    PERMANENT = 2

class BatcherStats(TypedDict):
    accepted: int
    rejected: int
    timed_out: int
    too_large: int
    written: int
    failed: int
    batches: int
    retries: int
    spilled: int
    spill_read: int
    replayed: int
    spill_damaged_bytes: int
    queued_records: int
    queued_bytes: int
    peak_queued_bytes: int
    spill_records: int
    spill_bytes: int
    peak_spill_bytes: int

class SqliteSink:
    def __init__(self, path: str, *, table: str = "records", busy_timeout_ms: int = 5000) -> None: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> SqliteSink: ...
    def __exit__(self, *args: object) -> None: ...

class Batcher:
    def __init__(
        self,
        sink: SqliteSink | Callable[[list[tuple[int, bytes]]], SinkResult | None],
        *,
        on_failed: Callable[[list[tuple[int, bytes]], int, str], None] | None = None,
        policy: OverflowPolicy = OverflowPolicy.REJECT,
        spill_dir: str | None = None,
        spill_fsync: SpillFsync = SpillFsync.INTERVAL,
        spill_repair: bool = False,
        max_queued_bytes: int = ...,
        max_batch_bytes: int = ...,
        max_batch_records: int = ...,
        linger_ns: int = ...,
        block_timeout_ns: int = ...,
        spill_max_bytes: int = ...,
        spill_fsync_interval_ns: int = ...,
        max_attempts: int = ...,
        backoff_initial_ns: int = ...,
        backoff_max_ns: int = ...,
        random_seed: int = ...,
    ) -> None: ...
    def submit(self, id: int, data: Buffer) -> None: ...
    def close(self, timeout: float = 30.0) -> int: ...
    def stats(self) -> BatcherStats: ...
    def prometheus(self) -> str: ...
    @property
    def last_error(self) -> str: ...
    @property
    def sink_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Batcher: ...
    def __exit__(self, *args: object) -> None: ...

# ---- Middleware (tether in front of an upstream SDK)

class Middleware:
    def __init__(
        self,
        *,
        max_output_size: int = ...,
        protocol_version: int = ...,
        max_frame_payload: int = ...,
        max_message_size: int = ...,
        inbound_budget: int = ...,
        outbound_high_watermark: int = ...,
        outbound_low_watermark: int = ...,
        extensions: int = ...,
    ) -> None: ...
    def feed(self, data: Buffer) -> int: ...
    def finish_input(self) -> None: ...
    def take_sdk_input(self) -> bytes | None: ...
    def sdk_output(self, data: Buffer) -> tuple[int, bool]: ...
    def sdk_output_end(self) -> bool: ...
    def take_output(self, limit: int | None = None) -> bytes: ...
    @property
    def has_output(self) -> bool: ...
    def stats(self) -> SessionStats: ...
    @property
    def replaced(self) -> bool: ...
    @property
    def last_error(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Middleware: ...
    def __exit__(self, *args: object) -> None: ...
