"""The background delivery loop the local event sources share (S3 notifications, SQS event source
mappings): poll the emulator, hand what arrived to the function, until stopped. Subclasses say
what one poll delivers (:meth:`Poller.poll_once`); this module says when and how often."""

from __future__ import annotations

import logging
import threading
import time
from typing import Self


class Poller:
    """``poll_once(wait_s)`` delivers what one receive got and answers how many it delivered."""

    name = "poller"
    log = logging.getLogger("oms_local.poller")

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self, wait_s: int = 0) -> int:
        raise NotImplementedError

    def drain(self, timeout_s: float = 30.0, quiet_s: float = 0.3) -> int:
        """Deliver until nothing arrives for ``quiet_s`` (or ``timeout_s`` passes)."""
        total, deadline, idle_since = 0, time.monotonic() + timeout_s, time.monotonic()
        while time.monotonic() < deadline:
            got = self.poll_once(0)
            total += got
            if got:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= quiet_s:
                break
            else:
                time.sleep(0.05)
        return total

    def start(self) -> Self:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    if not self.poll_once(wait_s=1):
                        self._stop.wait(0.1)
                except Exception:
                    if self._stop.is_set():
                        return
                    self.log.exception("%s", self.name)
                    self._stop.wait(1.0)

        self._thread = threading.Thread(target=loop, name=f"oms-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
