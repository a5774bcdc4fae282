"""An ASGI app served by hypercorn over h2c on a loopback port, on its own asyncio loop
in a background thread of the test process (so a test can look inside the app)."""

from __future__ import annotations

import asyncio
import socket
import threading

from hypercorn.asyncio import serve
from hypercorn.config import Config


class Server:
    def __init__(self, app):
        self.app = app
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"hypercorn:{self.port}", daemon=True)
        self.thread.start()
        if not self.ready.wait(30):
            raise TimeoutError("hypercorn did not start")

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as e:  # reported by close()
            self.error = e
            self.ready.set()

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop = asyncio.Event()
        config = Config()
        config.bind = [f"fd://{self.listener.fileno()}"]
        config.keep_alive_timeout = 3600
        config.accesslog = None
        config.loglevel = "WARNING"
        self.loop.call_soon(self.ready.set)
        await serve(self.app, config, shutdown_trigger=self.stop.wait)

    def close(self) -> None:
        if self.loop is not None and self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)
        if self.error is not None:
            raise self.error

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *args) -> None:
        self.close()
