import os
import threading
import time

from odoo.addons.integration_hub.lib.coalescing_notifier import CoalescingNotifier


def test_a_burst_of_pokes_is_one_send_and_every_poke_is_followed_by_a_send():
    pokes_before_send = []
    sent = threading.Event()
    pokes = [0]

    def send(key):
        pokes_before_send.append(pokes[0])
        sent.set()

    notifier = CoalescingNotifier(send, window=0.5)  # wide: a loaded machine still pokes 50 times in it
    for _n in range(50):
        notifier.poke("db1")
        pokes[0] += 1
    assert sent.wait(5)
    time.sleep(0.2)
    assert pokes_before_send == [50], "one wake-up serves the whole burst, sent after its last commit"
    # a poke after that send gets its own send: no commit is left without a wake-up
    sent.clear()
    notifier.poke("db1")
    pokes[0] += 1
    assert sent.wait(5)
    assert pokes_before_send == [50, 51]


def test_keys_are_woken_separately_and_a_failing_send_does_not_stop_the_notifier():
    sends = []
    done = threading.Event()

    def send(key):
        if key == "broken":
            raise RuntimeError("database is down")
        sends.append(key)
        if key == "db2":
            done.set()

    notifier = CoalescingNotifier(send, window=0.01)
    notifier.poke("broken")
    notifier.poke("db1")
    time.sleep(0.1)
    notifier.poke("db2")
    assert done.wait(5)
    assert sorted(sends) == ["db1", "db2"]


def test_flush_sends_what_is_pending_at_once_and_wait_idle_sees_the_end():
    sends = []
    notifier = CoalescingNotifier(sends.append, window=30)  # the thread would wait 30 s: only flush sends
    notifier.poke("db1")
    notifier.poke("db2")
    assert not notifier.wait_idle(timeout=0.1), "pending until sent"
    notifier.flush()
    assert sorted(sends) == ["db1", "db2"]
    assert notifier.wait_idle(timeout=0.1)
    notifier.flush()
    assert sorted(sends) == ["db1", "db2"], "nothing is sent twice"


def test_wait_idle_waits_for_a_send_in_progress():
    release, started, sends = threading.Event(), threading.Event(), []

    def slow_send(key):
        started.set()
        release.wait(5)
        sends.append(key)

    notifier = CoalescingNotifier(slow_send, window=0.01)
    notifier.poke("db1")
    assert started.wait(5)
    assert not notifier.wait_idle(timeout=0.1), "a send in progress is not idle"
    release.set()
    assert notifier.wait_idle(timeout=5)
    assert sends == ["db1"]


def test_a_forked_child_starts_clean_and_sends_its_own_pokes():
    read_end, write_end = os.pipe()
    notifier = CoalescingNotifier(lambda key: os.write(write_end, f"{os.getpid()}:{key}\n".encode()), window=0.01)
    with notifier._condition:  # the parent holds the lock at the fork, as a busy waker thread might
        notifier._pending.add("parent")
        pid = os.fork()
        if pid == 0:  # the child: must neither deadlock nor send the parent's pending key
            try:
                notifier.poke("child")
                notifier.wait_idle(timeout=5)
            finally:
                os._exit(0)
    os.waitpid(pid, 0)
    os.close(write_end)
    with os.fdopen(read_end) as sent:
        assert sent.read().split() == [f"{pid}:child"]
