"""Running the queue's consumer beside the web server (`zhaoshang demo`) or alone (`zhaoshang worker`)."""

from __future__ import annotations

import signal
import threading
from typing import Any


def describe(huey: Any) -> str:
    """Which queue, without credentials (a Redis URL may carry a password)."""
    storage = type(huey.storage).__name__
    if storage.startswith("Sqlite"):
        return f"SQLite queue {getattr(huey.storage, 'filename', '')}"
    return f"{storage.removesuffix('Storage')} queue {huey.name}"


class BackgroundConsumer:
    """A Huey consumer in threads of this process; `stop()` lets running tasks finish (Ctrl-C stays clean)."""

    def __init__(self, huey: Any = None, workers: int = 2):
        if huey is None:
            from huey.contrib.djhuey import HUEY as huey
        self.huey = huey
        self.consumer = huey.create_consumer(
            workers=workers, worker_type="thread", periodic=True, shutdown_timeout=10
        )

    def start(self) -> BackgroundConsumer:
        # The consumer takes over SIGINT/SIGTERM for its own process; here the web server owns them (Ctrl+C).
        names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
        saved = {n: signal.getsignal(getattr(signal, n)) for n in names}
        self.consumer.start()
        if threading.current_thread() is threading.main_thread():
            for name, handler in saved.items():
                signal.signal(getattr(signal, name), handler)
        return self

    def stop(self) -> None:
        self.consumer.stop(graceful=True)
