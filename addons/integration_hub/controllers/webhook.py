import logging
import random
import re
import time
import urllib.parse

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED, ISOLATION_LEVEL_REPEATABLE_READ

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..lib import capabilities as C
from ..lib import ip_allowlist
from ..lib.errors import PayloadError, SignatureError
from ..lib.webhook import headers_to_keep
from ..models.integration_queue import CONCURRENCY_ERRORS, hub_may_commit

_logger = logging.getLogger(__name__)

# A transaction that still loses to a concurrent one (a deadlock) is redone this many times.
STORE_TRIES = 5


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


def _reply(status, message):
    return request.make_json_response({"status": status, "message": message}, status=status)


def store_in_own_transaction(env, write):
    """Run ``write()`` in a fresh READ COMMITTED transaction and commit it; return its result.

    Odoo runs a request at REPEATABLE READ, where an upsert that meets a row
    committed by a concurrent request (two deliveries of one message, two
    rejections counted in the same hour) fails to serialize. READ COMMITTED is
    what an idempotent INSERT ... ON CONFLICT needs; it is safe here because
    the request wrote nothing before (what it read is discarded and read
    again). Inside a test transaction the level cannot change and stays.
    A deadlock is redone up to STORE_TRIES times; then the error is raised.
    """
    own_transaction = hub_may_commit(env)
    if own_transaction:
        env.cr.rollback()
        # psycopg2 opens the next transactions with BEGIN ISOLATION LEVEL READ COMMITTED (no extra statement)
        env.cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
    try:
        for attempt in range(1, STORE_TRIES + 1):
            try:
                result = write()
                env.cr.commit()
                return result
            except CONCURRENCY_ERRORS:
                env.cr.rollback()
                if attempt == STORE_TRIES:
                    raise
                time.sleep(random.uniform(0, 0.01 * attempt))  # let the other transaction finish
    finally:
        if own_transaction:
            env.cr.rollback()  # nothing is pending after a commit: ends nothing, but the level can change
            env.cr.connection.set_isolation_level(ISOLATION_LEVEL_REPEATABLE_READ)  # Odoo's level, as it was


def _rejected(env, channel, status, message):
    """Count the rejection (the failed-webhook rate is a monitored signal), then answer."""
    try:
        store_in_own_transaction(env, lambda: env["integration.channel.health"]._count_rejection(channel))
    except Exception as error:  # counting must never turn a 401 into a 500
        env.cr.rollback()
        _logger.error("Could not count a rejected webhook for channel %s (%s)", channel.code, type(error).__name__)
    return _reply(status, message)


class IntegrationWebhookController(http.Controller):
    """One endpoint for every platform. Store first, process later (in the cron).

    200 only once the event row is committed (duplicates too); 401 bad signature
    or replay; 403 source IP not allowed; 404 unknown or paused channel; 413 body
    too large; 503 (with Retry-After) when the message could not be stored: the
    sender keeps it and sends it again.
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
        # hub_webhook_intake: the channel's signing secret is read from the worker's copy of its ciphertext
        env = request.env(user=SUPERUSER_ID, context=dict(request.env.context, hub_webhook_intake=True))
        channel = env["integration.channel"]._find_by_webhook_token(token)
        if channel:
            # the channel has a column per setting of every platform: only what the intake needs, kept per worker
            channel._load_webhook_intake_fields()
        if not channel or channel.state != "live":
            retry_after = channel.state == "paused" and channel._adapter()._webhook_paused_retry_after
            if retry_after:
                # a platform that deletes a subscription answered 404 (Business Central) is asked to retry instead
                response = _reply(503, "channel paused: send it again later")
                response.headers["Retry-After"] = str(retry_after)
                return response
            # paused and draft channels accept nothing; do not reveal which
            return _reply(404, "unknown channel")
        adapter = channel._adapter()
        if C.WEBHOOKS not in adapter._capabilities:
            return _reply(404, "unknown channel")

        remote_ip = request.httprequest.remote_addr
        if not ip_allowlist.is_allowed(remote_ip, ip_allowlist.parse_networks(channel.allowed_ips)):
            _logger.warning("Webhook for channel %s refused: source %s not allowed", channel.code, remote_ip)
            return _rejected(env, channel, 403, "source address not allowed")

        handshake = adapter._webhook_handshake(channel, request.httprequest.args)
        if handshake is not None:
            # the platform validates the URL (e.g. Business Central's validationToken): echo it, store nothing
            headers = [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")]
            return request.make_response(handshake, headers=headers)

        limit = channel.webhook_max_bytes
        declared = request.httprequest.content_length
        if declared is not None and declared > limit:
            return _rejected(env, channel, 413, f"body larger than {limit} bytes")
        body = request.httprequest.get_data()  # cached: a request Odoo retries reads the same body again
        if not body and request.httprequest.form:
            # Odoo parsed a form body before this method ran (e.g. WooCommerce's activation ping): rebuild it
            body = urllib.parse.urlencode(list(request.httprequest.form.items(multi=True))).encode()
        if len(body) > limit:  # chunked bodies carry no Content-Length
            return _rejected(env, channel, 413, f"body larger than {limit} bytes")

        headers = request.httprequest.headers
        try:
            envelope = adapter._verify_webhook(channel, headers, body)
        except SignatureError as error:
            _logger.warning("Webhook for channel %s refused: %s", channel.code, error)
            return _rejected(env, channel, 401, "invalid signature")
        if envelope.ping:
            # the platform checks the URL is alive (e.g. WooCommerce on activation): nothing to store
            return _reply(200, "pong")
        body = adapter._redact_body(channel, body)  # e.g. a secret echoed in the body: never stored

        error = None
        event_type = envelope.event_type
        try:
            event_type, _data = adapter._parse_webhook(channel, envelope, body)
        except PayloadError as parse_error:
            # Authentic but unreadable: keep it as a failed event + exception.
            error = f"Unreadable message: {parse_error}"
        kept = envelope.kept_headers or headers_to_keep(dict(headers))
        Event = env["integration.event"]

        def store():
            channel._load_webhook_intake_fields()  # the fresh transaction starts with an empty cache
            _event_id, created, failed = Event._intake(
                channel,
                envelope.idempotency_key,
                body,
                event_type=event_type,
                source="webhook",
                headers=kept,
                remote_ip=remote_ip,
                source_timestamp=envelope.source_timestamp,
                error=error,
                compare_body=True,  # the sender's own message id: one id, one body
                wake=True,  # processing starts right after the commit, in the cron
            )
            return created, failed

        try:
            created, failed = store_in_own_transaction(env, store)
        except Exception as store_error:
            # never the body nor the query: they hold personal data (the first line of a database
            # error names the problem, its DETAIL would quote values)
            reason = str(store_error).split("\n", 1)[0][:200]
            _logger.error(
                "Webhook for channel %s could not be stored: %s: %s", channel.code, type(store_error).__name__, reason
            )
            env.cr.rollback()
            response = _reply(503, "message could not be stored: send it again later")
            response.headers["Retry-After"] = "30"
            return response
        return _reply(200, "duplicate" if not created else ("stored as failed" if failed else "accepted"))
