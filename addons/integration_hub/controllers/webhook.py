import logging
import re
import time

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..lib import ip_allowlist
from ..lib.errors import PayloadError, SignatureError
from ..lib.webhook import headers_to_keep

_logger = logging.getLogger(__name__)

# Wake the inbox worker at most once a second per process: a burst needs one wake-up
# (the cron drains every due event), and each wake-up costs a trigger row and a NOTIFY.
TRIGGER_EVERY_SECONDS = 1.0
_last_trigger = {"at": 0.0}


class _MaskWebhookTokens(logging.Filter):
    """The webhook token is a credential: access logs show only its last characters."""

    PATTERN = re.compile(r"(/integration_hub/v1/webhooks/)[A-Za-z0-9_-]+?([A-Za-z0-9_-]{4})(?![A-Za-z0-9_-])")

    def filter(self, record):
        if isinstance(record.msg, str) and "/integration_hub/" in record.msg:
            record.msg = self.PATTERN.sub(r"\1…\2", record.msg)
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub(r"\1…\2", arg) if isinstance(arg, str) and "/integration_hub/" in arg else arg
                for arg in record.args
            )
        return True


logging.getLogger("werkzeug").addFilter(_MaskWebhookTokens())


def _wake_inbox_worker(env):
    now = time.monotonic()
    if now - _last_trigger["at"] >= TRIGGER_EVERY_SECONDS:
        _last_trigger["at"] = now
        env.ref("integration_hub.ir_cron_process_inbox")._trigger()


def _reply(status, message):
    return request.make_json_response({"status": status, "message": message}, status=status)


def _rejected(env, channel, status, message):
    """Count the rejection (the failed-webhook rate is a monitored signal), then answer."""
    try:
        env["integration.channel.health"]._count_rejection(channel)
        env.cr.commit()
    except Exception:  # counting must never turn a 401 into a 500
        env.cr.rollback()
        _logger.exception("Could not count a rejected webhook for channel %s", channel.code)
    return _reply(status, message)


class IntegrationWebhookController(http.Controller):
    """One endpoint for every platform. Store first, process later (in the cron).

    200 only once the event row is committed (duplicates too); 401 bad signature
    or replay; 403 source IP not allowed; 404 unknown or paused channel; 413 body
    too large; 400 only when nothing at all can be stored.
    """

    @http.route(
        "/integration_hub/v1/webhooks/<string:token>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,  # auth="none" routes default to a read-only cursor in Odoo 18
    )
    def receive(self, token, **_params):
        env = request.env(user=SUPERUSER_ID)
        channel = env["integration.channel"]._find_by_webhook_token(token)
        if not channel or channel.state != "live":
            # paused and draft channels accept nothing; do not reveal which
            return _reply(404, "unknown channel")
        adapter = channel._adapter()
        if not adapter._accepts_webhooks:
            return _reply(404, "unknown channel")

        remote_ip = request.httprequest.remote_addr
        if not ip_allowlist.is_allowed(remote_ip, ip_allowlist.parse_networks(channel.allowed_ips)):
            _logger.warning("Webhook for channel %s refused: source %s not allowed", channel.code, remote_ip)
            return _rejected(env, channel, 403, "source address not allowed")

        limit = channel.webhook_max_bytes
        declared = request.httprequest.content_length
        if declared is not None and declared > limit:
            return _rejected(env, channel, 413, f"body larger than {limit} bytes")
        body = request.httprequest.get_data(cache=False)
        if len(body) > limit:  # chunked bodies carry no Content-Length
            return _rejected(env, channel, 413, f"body larger than {limit} bytes")

        headers = request.httprequest.headers
        try:
            envelope = adapter._verify_webhook(channel, headers, body)
        except SignatureError as error:
            _logger.warning("Webhook for channel %s refused: %s", channel.code, error)
            return _rejected(env, channel, 401, "invalid signature")

        error = None
        event_type = envelope.event_type
        try:
            event_type, _data = adapter._parse_webhook(channel, envelope, body)
        except PayloadError as parse_error:
            # Authentic but unreadable: keep it as a failed event + exception.
            error = f"Unreadable message: {parse_error}"
        kept = envelope.kept_headers or headers_to_keep(dict(headers))
        try:
            _event_id, created = env["integration.event"]._intake(
                channel,
                envelope.idempotency_key,
                body,
                event_type=event_type,
                source="webhook",
                headers=kept,
                remote_ip=remote_ip,
                source_timestamp=envelope.source_timestamp,
                error=error,
            )
            if created and not error:
                _wake_inbox_worker(env)
            env.cr.commit()
        except Exception:
            _logger.exception("Webhook for channel %s could not be stored", channel.code)
            env.cr.rollback()
            return _reply(400, "message could not be stored")
        return _reply(200, "duplicate" if not created else ("stored as failed" if error else "accepted"))
