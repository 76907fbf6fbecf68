"""How the relay reaches the outside: e-mail over SMTP, webhooks over HTTP with an HMAC-SHA256 signature.

A webhook's ``X-OMS-Signature`` is ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with its secret>``;
receivers recompute it and reject old timestamps (``verify`` does both).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from oms.relay.messages import Message

TOLERANCE = 300  # seconds a receiver accepts between the signature's time and its own clock


def sign(secret: str, body: bytes, at: int | None = None) -> str:
    t = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: float | None = None, tolerance: int = TOLERANCE) -> bool:
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        t = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "orders@localhost"
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        """``OMS_SMTP_HOST`` (no e-mail without it), ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``, ``_STARTTLS``."""
        host = os.environ.get("OMS_SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(os.environ.get("OMS_SMTP_PORT", "25")),
            user=os.environ.get("OMS_SMTP_USER") or None,
            password=os.environ.get("OMS_SMTP_PASSWORD") or None,
            sender=os.environ.get("OMS_SMTP_FROM", "orders@localhost"),
            starttls=os.environ.get("OMS_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: Message, event_id: int) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = s.sender, message.to, message.subject
        mail["X-OMS-Event-Id"] = str(event_id)  # receivers and mail logs can drop duplicates
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls()
            if s.user:
                smtp.login(s.user, s.password or "")
            smtp.send_message(mail)


class WebhookSender:
    def __init__(self, timeout: float = 10.0) -> None:
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)

    def send(self, url: str, secret: str, body: bytes, event_id: int, event_type: str) -> None:
        headers = {
            "Content-Type": "application/json",
            "X-OMS-Signature": sign(secret, body),
            "X-OMS-Event-Id": str(event_id),
            "X-OMS-Event-Type": event_type,
        }
        response = self.client.post(url, content=body, headers=headers)
        if response.status_code >= 300:
            raise DeliveryFailed(f"HTTP {response.status_code} from {url}")

    def close(self) -> None:
        self.client.close()


class DeliveryFailed(Exception):
    pass
