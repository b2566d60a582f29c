"""The confirmation link of a privacy request by e-mail (README "Personal data").

``GET /integration_hub/privacy/confirm/<token>`` shows a page with one button and changes nothing (mail
scanners and link previews open links on their own); the button posts the token
(``POST /integration_hub/privacy/confirm``, field ``token``) and that carries the request out once.
The token is the proof that the mailbox's owner asked: unknown, used or expired tokens get a page that
says so (404 / 410) and nothing happens. No CSRF token on the form: the one-time token is itself a secret
nobody else can post, and the page is opened without an Odoo session.
"""

import logging
import re

from odoo import http
from odoo.http import request

from ..models.integration_privacy_request import CONFIRM_DAYS, CONFIRM_ROUTE

TEMPLATE = "integration_hub.privacy_confirm_page"
# 404 for a link that never existed, 410 (Gone) for one that did
STATUS = {None: 200, "unknown": 404, "used": 410, "expired": 410}


class _MaskConfirmTokens(logging.Filter):
    """The confirmation token lets its holder erase a customer's data: access logs never show it."""

    PATTERN = re.compile(re.escape(CONFIRM_ROUTE) + r"/[A-Za-z0-9_-]+")

    def filter(self, record):
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub(CONFIRM_ROUTE + "/…", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(CONFIRM_ROUTE + "/…", record.msg)
        return True


logging.getLogger("werkzeug").addFilter(_MaskConfirmTokens())


class PrivacyConfirmController(http.Controller):
    @http.route(f"{CONFIRM_ROUTE}/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def privacy_confirm_page(self, token, **kwargs):
        privacy_request, why = request.env["integration.privacy.request"].sudo()._from_token(token)
        return self._page(privacy_request, why, token=token if why is None else None)

    @http.route(CONFIRM_ROUTE, type="http", auth="public", methods=["POST"], csrf=False, sitemap=False)
    def privacy_confirm(self, token=None, **kwargs):
        privacy_request, why = request.env["integration.privacy.request"].sudo()._confirm_token(token)
        return self._page(privacy_request, why, done=why is None)

    def _page(self, privacy_request, why, token=None, done=False):
        values = {
            "why": why,
            "token": token,
            "done": done,
            "state": privacy_request.state if privacy_request else False,
            "reference": privacy_request.name if privacy_request else False,
            "company": privacy_request.company_id.name if privacy_request else request.env.company.name,
            "days": CONFIRM_DAYS,
            "action": CONFIRM_ROUTE,
        }
        headers = [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer"), ("X-Robots-Tag", "noindex")]
        return request.render(TEMPLATE, values, status=STATUS[why], headers=headers)
