"""Wake sleeping workers after commits without one notification per commit.

A webhook burst commits hundreds of messages a second; each must wake the
cron workers *after* its commit (a wake-up before the commit finds nothing to
do), but one wake-up serves every commit that happened before it. The
notifier collects pokes and sends one notification per key and short window
from a background thread: every poke is followed by a send that starts after
it, so no commit is left without a wake-up.
"""

import logging
import os
import threading
import time

_logger = logging.getLogger(__name__)


class CoalescingNotifier:
    """``poke(key)`` after a commit; ``send(key)`` runs at most once per ``window`` seconds and key."""

    def __init__(self, send, window=0.02):
        self._send = send
        self.window = window
        self._pending = set()
        self._condition = threading.Condition()
        self._thread = None
        self._pid = None

    def poke(self, key):
        with self._condition:
            self._pending.add(key)
            # a forked worker inherits the object but not the thread
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="hub-cron-waker", daemon=True)
                self._thread.start()
            self._condition.notify()

    def poke_later(self, key, seconds):
        """``poke(key)`` in ``seconds`` (a timer of this process: lost if the process ends first)."""
        timer = threading.Timer(seconds, self.poke, args=(key,))
        timer.daemon = True
        timer.start()

    def _run(self):
        while True:
            with self._condition:
                while not self._pending:
                    self._condition.wait()
            time.sleep(self.window)  # let the rest of a burst join this wake-up
            with self._condition:
                keys, self._pending = self._pending, set()
            for key in keys:
                try:
                    self._send(key)
                except Exception:  # a lost wake-up costs one cron interval, never a message
                    _logger.warning("Could not wake the workers for %s", key, exc_info=True)
