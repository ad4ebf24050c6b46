"""Who is using the app: the logged-in name, else this browser's private identifier.

Conversations and drafts are stored with an owner and only ever read back for that
owner, so two people using the app at once never see each other's work. Beyond
localhost a login is required and the owner is the account name; on localhost (one
person's machine) each browser keeps a random identifier in its local storage.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from knowledge.errors import CanevasError

_BROWSER_ID = re.compile(r"^[0-9a-f]{32}$")


class SessionError(CanevasError):
    """The request carries no usable identity."""


def new_browser_id() -> str:
    return uuid.uuid4().hex


def owner_of(request: Any, browser_id: str | None) -> str:
    """``user:NAME`` when logged in, else ``browser:ID`` for this browser."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return f"user:{username}"
    if browser_id and _BROWSER_ID.match(browser_id):
        return f"browser:{browser_id}"
    raise SessionError("Session inconnue : rechargez la page.")


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
    """A file-system-safe folder name for an owner's uploads and exports."""
    return hashlib.sha256(owner.encode()).hexdigest()[:16]
