"""A small blocking HTTP/2 (h2c, prior knowledge) client over the h2 library, to play
the runtime against the reference endpoint in tests."""

from __future__ import annotations

import socket
import time

import h2.config
import h2.connection
import h2.events
import h2.settings


class Response:
    def __init__(self):
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.ended = False
        self.reset = False


class Client:
    def __init__(self, port: int, host: str = "127.0.0.1", window: int = 1 << 24):
        """window: the receive window offered per stream (HTTP/2's default is 65535)."""
        self.sock = socket.create_connection((host, port), timeout=30)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        if window > 65535:
            self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
            self.conn.increment_flow_control_window(1 << 30)
        self.responses: dict[int, Response] = {}
        self.pings: dict[bytes, float] = {}
        self.flush()

    def close(self) -> None:
        self.conn.close_connection()
        self.flush()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes = b"", end: bool = True) -> int:
        stream = self.conn.get_next_available_stream_id()
        pseudo = [(":method", method), (":path", path), (":scheme", "http"),
                  (":authority", "localhost")]
        self.conn.send_headers(stream, pseudo + list((headers or {}).items()),
                               end_stream=end and not body)
        self.responses[stream] = Response()
        if body:
            self.send(stream, body, end=end)
        self.flush()
        return stream

    def send(self, stream: int, data: bytes, end: bool = False) -> None:
        view = memoryview(data)
        while True:
            room = min(self.conn.local_flow_control_window(stream),
                       self.conn.max_outbound_frame_size)
            if room == 0 and view:
                self.flush()
                self.read_once()
                continue
            piece, view = view[:room], view[room:]
            self.conn.send_data(stream, bytes(piece), end_stream=end and not view)
            if not view:
                break
        self.flush()

    def read_once(self) -> None:
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("endpoint closed the connection")
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                r = self.responses[event.stream_id]
                r.headers = {k.decode(): v.decode() for k, v in event.headers}
                r.status = int(r.headers[":status"])
            elif isinstance(event, h2.events.DataReceived):
                self.responses[event.stream_id].body += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                    event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.responses[event.stream_id].ended = True
            elif isinstance(event, h2.events.StreamReset):
                self.responses[event.stream_id].reset = True
        self.flush()

    def wait(self, predicate, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("endpoint did not answer in time")
            self.read_once()

    def finish(self, stream: int) -> Response:
        r = self.responses[stream]
        self.wait(lambda: r.ended or r.reset)
        return r
