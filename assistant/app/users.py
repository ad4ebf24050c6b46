"""Web app accounts: names and scrypt-hashed passwords in ``DATA_DIR/users.json`` (0600).

Needed as soon as the app listens beyond this machine; managed with
``canevas users add/remove``. Passwords are never stored or logged in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from knowledge.errors import CanevasError

_NAME = re.compile(r"^[\w.@-]{2,64}$")
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 10


class UserError(CanevasError):
    """An account operation was refused; the message says why."""


def _hash(password: str, salt: bytes) -> str:
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


class UserStore:
    """The accounts file of a data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "users.json"

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"Fichier des comptes illisible : {self.path}.") from exc
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, users: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(users, handle, indent=2)
        os.replace(temporary, self.path)

    def names(self) -> list[str]:
        return sorted(self._load())

    def add(self, name: str, password: str) -> None:
        if not _NAME.match(name):
            raise UserError("Nom d'utilisateur invalide : 2 à 64 lettres, chiffres, « . », "
                            "« @ », « - » ou « _ ».")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"Mot de passe trop court : {MIN_PASSWORD} caractères au moins.")
        users = self._load()
        users[name] = _hash(password, secrets.token_bytes(16))
        self._save(users)

    def remove(self, name: str) -> None:
        users = self._load()
        if name not in users:
            raise UserError(f"Utilisateur inconnu : {name}.")
        del users[name]
        self._save(users)

    def check(self, name: str, password: str) -> bool:
        """True for a known name with the right password (constant-time comparison)."""
        stored = self._load().get(name)
        if stored is None:
            _verify(password, _hash("leurre", b"0" * 16))
            return False
        return _verify(password, stored)
