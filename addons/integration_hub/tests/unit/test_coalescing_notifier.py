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
