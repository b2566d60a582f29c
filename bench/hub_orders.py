"""What several in-process benchmarks share: a generic order document, signed webhook messages, the intake as
the controller does it and the inbox worker as the cron does it. Imported by the scripts ``make bench`` pipes
into ``odoo-bin shell`` (``scripts/bench.sh`` puts ``bench/`` on PYTHONPATH)."""

import json
import time

from odoo.addons.integration_hub.lib import standard_webhooks
from odoo.addons.integration_hub.lib.sample_order import sample_order_message


def order_document(external_id, skus=("BENCH-SKU",)):
    """A paid generic ``order.created`` for Valencia (lib/sample_order.py): one line of one unit per SKU of ``skus``."""
    lines = [{"id": str(n + 1), "sku": sku, "quantity": 1} for n, sku in enumerate(skus)]
    return sample_order_message(
        external_id,
        lines,
        buyer_name="Bench customer",
        email="bench@example.com",
        placed_at="2026-11-27T09:00:00+01:00",
        service_level="ground",  # the bench channel's carrier rule selects on it
    )


def signed_messages(secret, prefix, n, skus=("BENCH-SKU",)):
    """``n`` (headers, body) pairs, Standard Webhooks signed, orders ``<prefix>-<i>`` with a line per SKU."""
    messages = []
    for i in range(n):
        body = json.dumps(order_document(f"{prefix}-{i}", skus)).encode()
        msg_id, ts = f"msg_{prefix}_{i}", str(int(time.time()))
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": ts,
            "webhook-signature": standard_webhooks.sign(secret, msg_id, ts, body),
        }
        messages.append((headers, body))
    return messages


def take_in(env, channel, messages):
    """What the webhook controller does per request: verify, store, commit (200 only after the commit)."""
    adapter, Event = channel._adapter(), env["integration.event"]
    for headers, body in messages:
        envelope = adapter._verify_webhook(channel, headers, body)
        event_type, _data = adapter._parse_webhook(channel, envelope, body)
        Event._intake(
            channel, envelope.idempotency_key, body, event_type=event_type, source_timestamp=envelope.source_timestamp
        )
        env.cr.commit()


def drain_inbox(env):
    """The inbox worker as the cron runs it, until nothing is due."""
    Event = env["integration.event"]
    while Event._queue_due_exists():
        Event._cron_process_inbox()
        env.cr.commit()


def accepted(env, channel, prefix):
    return env["integration.channel.order"].search_count(
        [("channel_id", "=", channel.id), ("external_id", "=like", f"{prefix}-%"), ("state", "=", "accepted")]
    )
