"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what Odoo sends, for the tests."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """``with SmtpServer() as smtp``: ``smtp.port``; ``smtp.messages``: [(from, [to], email.message)]."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._keep = _Keep()
        self._controller = Controller(self._keep, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self._keep.messages

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()
