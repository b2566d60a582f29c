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
    """``poke(key)`` after a commit; ``send(key)`` runs at most once per ``window`` seconds and key.

    ``flush()`` sends what is pending at once (a process about to exit: its thread dies with it);
    ``wait_idle()`` waits until nothing is pending or being sent (tests).
    """

    def __init__(self, send, window=0.02, name="hub-cron-waker"):
        self._send = send
        self.window = window
        self.name = name
        self._forget_parent()
        # a forked worker inherits the object but not the thread: nor its lock, state or pokes to send
        os.register_at_fork(after_in_child=self._forget_parent)

    def _forget_parent(self):
        self._pending = set()
        self._sending = False
        self._condition = threading.Condition()
        self._thread = None

    def poke(self, key):
        with self._condition:
            self._pending.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def poke_later(self, key, seconds):
        """``poke(key)`` in ``seconds`` (a timer of this process: lost if the process ends first)."""
        timer = threading.Timer(seconds, self.poke, args=(key,))
        timer.daemon = True
        timer.start()

    def flush(self):
        """Send every pending key now, in the caller's thread."""
        with self._condition:
            keys, self._pending = self._pending, set()
        self._send_all(keys)

    def wait_idle(self, timeout=10):
        """True once nothing is pending or being sent (False after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._pending or self._sending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
        return True

    def _run(self):
        while True:
            with self._condition:
                while not self._pending:
                    self._condition.wait()
            time.sleep(self.window)  # let the rest of a burst join this wake-up
            with self._condition:
                keys, self._pending = self._pending, set()
                self._sending = True
            try:
                self._send_all(keys)
            finally:
                with self._condition:
                    self._sending = False
                    self._condition.notify_all()

    def _send_all(self, keys):
        for key in keys:
            try:
                self._send(key)
            except Exception:  # a lost wake-up costs one cron interval, never a message
                _logger.warning("Could not wake the workers for %s", key, exc_info=True)
