"""Who is using the app: the logged-in name, else an identity the server issued.

Conversations and drafts are stored with an owner and only ever read back for that
owner, so two people using the app at once never see each other's work. Beyond
localhost a login is required and the owner is the account name. On localhost the
server gives each browser a random identifier in a signed, ``HttpOnly`` cookie
(``canevas_session``): page scripts cannot read it, and a value the server did not sign
is refused. It separates browsers; it does not authenticate people — anyone who can use
this computer's browser profile is that browser.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

from knowledge.errors import CanevasError

COOKIE = "canevas_session"
_VALUE = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{64})$")


class SessionError(CanevasError):
    """The request carries no usable identity."""


class Sessions:
    """Issues and checks the signed identity cookie."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode("utf-8")

    def _sign(self, identity: str) -> str:
        return hmac.new(self._key, identity.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        identity = uuid.uuid4().hex
        return f"{identity}.{self._sign(identity)}"

    def verify(self, value: str | None) -> str | None:
        """The identity in a cookie value, or None when the server did not sign it."""
        match = _VALUE.match(value or "")
        if match is None or not hmac.compare_digest(match[2], self._sign(match[1])):
            return None
        return match[1]

    def owner(self, request: Any) -> str:
        """``user:NAME`` when logged in, else ``browser:ID`` from the signed cookie."""
        username = getattr(request, "username", None) if request is not None else None
        if username:
            return f"user:{username}"
        cookies = getattr(request, "cookies", None) if request is not None else None
        identity = self.verify((cookies or {}).get(COOKIE))
        if identity is None:
            raise SessionError("Session inconnue : rechargez la page.")
        return f"browser:{identity}"


def display_name(request: Any, typed: str | None) -> str:
    """The name written in the review journal: the account, else what the user typed."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return str(username)
    name = " ".join((typed or "").split())
    if not name:
        raise SessionError("Indiquez votre nom (champ « Votre nom ») pour signer la relecture.")
    return name


def folder_of(owner: str) -> str:
    """A file-system-safe folder name for an owner's exports."""
    return hashlib.sha256(owner.encode()).hexdigest()[:16]
