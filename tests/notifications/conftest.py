"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), which can refuse or go down on demand."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class MailServer:
    """Keeps every message accepted; answers 550 to each while `refusing`."""

    def __init__(self):
        self.messages = []
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refusing:
            return "550 Mailbox unavailable"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self) -> None:
        """Listen on the server's port (again: a stopped controller cannot be started twice)."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: the port refuses connections, as a server that is down."""
        self.controller.stop()

    def to(self, address: str) -> list:
        """The messages accepted for one address."""
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(app):
    """A running SMTP server the site is configured to send through; stopped, and the settings put back, after."""
    server = MailServer()
    server.port = free_port()
    server.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USERNAME="")
    yield server
    server.stop()
    app.config.update(saved)
