from odoo import _, api, models

from ..lib import capabilities as C
from ..lib import json_document
from ..lib.errors import PayloadError, PermanentError, SignatureError


class IntegrationAdapter(models.AbstractModel):
    """The contract every platform adapter implements (``integration.adapter.<platform>``).

    The hub owns the lifecycle, the inbox and the outbox, the polling cron and its cursors, the
    outbound duties (it queues them from lifecycle events), the paid vocabulary, the parking of a
    channel whose credentials are refused, the secrets, the HTTP client, the external ids and the
    exceptions. An adapter only maps payloads and talks to its platform: it declares what it can do
    in ``_capabilities`` (lib/capabilities.py) and implements the methods of those capabilities.
    README, "Adding a platform", is the reference.
    """

    _name = "integration.adapter"
    _description = "Integration platform adapter (contract)"

    _capabilities = frozenset()
    # seconds a paused channel's webhook asks the platform to wait (503 + Retry-After) instead of answering 404:
    # for platforms that delete a subscription answered 4xx (Business Central); 0: 404 like an unknown URL
    _webhook_paused_retry_after = 0

    # --- configuration -------------------------------------------------------------------
    @api.model
    def _configuration_problems(self, channel, capability):
        """What the channel's settings lack for ``capability`` (e.g. "no API base URL"); [] when ready.

        The hub refuses to go live while a switched-on duty lacks its settings, and never queues a
        message for a duty whose settings are missing.
        """
        return []

    # --- inbound --------------------------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        """Check authenticity on the raw body; return a WebhookEnvelope or raise SignatureError."""
        raise SignatureError("this channel does not receive webhooks")

    @api.model
    def _webhook_handshake(self, channel, query):
        """A platform's URL validation call, answered before any verification: the text to answer, or None.

        ``query`` is the request's query string (a mapping). Some platforms validate the URL when a
        subscription is created or renewed by calling it with a token to echo (Business Central's and
        Microsoft Graph's ``validationToken``): the hub answers 200 with the returned text as
        ``text/plain`` and stores nothing. Default: None (not a handshake; the call is verified as usual).
        """
        return None

    @api.model
    def _redact_body(self, channel, body):
        """The body as the inbox stores it (bytes): called after ``_verify_webhook``, before ``_parse_webhook``.

        For a platform whose verified body carries a secret (Business Central's ``clientState``, the channel's
        webhook secret, in every notification): return the body without it, so no inbox row, archive or
        export holds the secret. Must not raise on a body ``_verify_webhook`` accepted. Default: the body as is.
        """
        return body

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        """Return (event_type, payload dict) or raise PayloadError. Called after verification.

        By default: a JSON object whose type the envelope named (the platform's topic header).
        """
        if not envelope.event_type:
            raise PayloadError("the webhook names no topic / event type")
        document = json_document.loads(body)
        if not isinstance(document, dict):
            raise PayloadError("the body must be a JSON object")
        return envelope.event_type, document

    @api.model
    def _normalize_event(self, event, payload):
        """Map a stored event to (hub event type, the hub's document) for the hub's handlers.

        Hub types: order.created / order.updated / order.cancelled (the generic order document, with
        ``financial_status`` in the hub's payment vocabulary, lib/payment_status.py), return.created /
        return.updated, inventory.reported, channel.revoked (the platform removed our access), noop
        (nothing for the warehouse: ``{"reason"}``).
        """
        return event.event_type, payload

    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of ``stream`` (orders, returns, tracking) after ``cursor``: a lib.poll.PollPage."""
        raise PermanentError(_("platform '%s' cannot be polled", channel.platform))

    @api.model
    def _fetch_listings(self, channel):
        """The platform's catalog: [{"external_id", "sku", "name", "data"}] (capability ``catalog``)."""
        raise PermanentError(_("platform '%s' has no catalog to import", channel.platform))

    # --- outbound -------------------------------------------------------------------------
    @api.model
    def _push(self, job):
        """Deliver one outbox job (``_push_<job type>``): see lib/delivery.py for the answers."""
        if not C.job_capable(self._capabilities, job.job_type):
            raise PermanentError(
                _(
                    "platform '%(platform)s' takes no '%(type)s' message",
                    platform=job.channel_id.platform,
                    type=job.job_type,
                )
            )
        return getattr(self, f"_push_{job.job_type}")(job)

    @api.model
    def _check(self, job):
        """Ask the platform about a job it accepted for later (``_check_<job type>``): lib/delivery.py."""
        method = getattr(self, f"_check_{job.job_type}", None)
        if method is None:
            raise PermanentError(
                _("platform '%s' cannot be asked about a message it accepted", job.channel_id.platform)
            )
        return method(job)

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        """Read something harmless; return a sentence for the administrator (capability ``connection_test``)."""
        raise PermanentError(_("platform '%s' has no connection test", channel.platform))

    @api.model
    def _webhook_topics(self, channel):
        """The platform's topics the hub subscribes to (capability ``webhook_registration``)."""
        return []

    @api.model
    def _webhook_subscriptions(self, channel):
        """The platform's subscriptions: [{"id", "topic", "url", "active"}] (the hub compares them)."""
        raise PermanentError(_("platform '%s' has no webhook subscriptions to register", channel.platform))

    @api.model
    def _subscribe_webhook(self, channel, topic, url, existing=None):
        """Create the subscription of ``topic`` to ``url``, or repair / re-activate ``existing`` (a dict above)."""
        raise PermanentError(_("platform '%s' has no webhook subscriptions to register", channel.platform))

    @api.model
    def _renew_webhook_subscriptions(self, channel):
        """Renew the subscriptions that expire soon (platforms whose subscriptions have a lifetime, e.g. 3 days).

        Called by the hourly webhook check of live channels (capability ``webhook_registration``) before it
        looks for disabled subscriptions; returns [(topic, what happened)]. Default: nothing to renew.
        """
        return []

    @api.model
    def _refresh_access_token(self, channel):
        """A new short-lived access token: (token, expires_at naive UTC) (capability ``token_refresh``)."""
        raise PermanentError(_("platform '%s' has no token to refresh", channel.platform))
