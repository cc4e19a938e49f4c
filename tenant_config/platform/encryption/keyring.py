"""Fernet keys, their ids, and the ciphertexts they make: bound to the config they belong to."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tenant_config.platform.errors import SecretUnreadable

KEY_ID_LENGTH = 12
PAYLOAD_FORMAT = b"\x01"
log = logging.getLogger(__name__)


def key_id(key: str | bytes) -> str:
    """Return the short, public id of a Fernet key: a truncated hash, never the key."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"tenant-config fernet key id:" + raw.strip()).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True, repr=False)
class Secret:
    """A plaintext waiting to be encrypted for the config `owner` (never shown in a repr)."""

    owner: uuid.UUID
    plaintext: str

    def __repr__(self) -> str:
        return f"Secret(owner={self.owner}, plaintext=<hidden>)"


@dataclass(frozen=True)
class Sealed:
    """A ciphertext as stored: `<key id>:<fernet token>`."""

    key_id: str
    token: str

    @classmethod
    def parse(cls, stored: str) -> Sealed:
        key, _, token = stored.partition(":")
        return cls(key, token)

    def __str__(self) -> str:
        return f"{self.key_id}:{self.token}"


class Keyring:
    """The configured keys: the first encrypts, every one decrypts the ciphertexts it made."""

    def __init__(self, keys: Sequence[str]):
        if not keys:
            raise ValueError("a keyring needs at least one key")
        fernets = [Fernet(key) for key in keys]
        self.ids = tuple(key_id(key) for key in keys)
        self.primary_id = self.ids[0]
        self._primary = MultiFernet(fernets[:1])
        self._by_id = dict(zip(self.ids, fernets, strict=True))

    def seal(self, secret: Secret) -> Sealed:
        """Encrypt `secret` with the primary key, binding it to its owner."""
        payload = PAYLOAD_FORMAT + secret.owner.bytes + secret.plaintext.encode("utf-8")
        return Sealed(self.primary_id, self._primary.encrypt(payload).decode("ascii"))

    def open(self, sealed: Sealed, owner: uuid.UUID) -> str:
        """Decrypt a ciphertext stored under `owner`; refuse one made for another config."""
        fernet = self._by_id.get(sealed.key_id)
        if fernet is None:
            log.error(
                "sensitive value of config %s unreadable: key %r is not configured",
                owner,
                sealed.key_id,
            )
            raise SecretUnreadable(
                f"The sensitive value was encrypted with key {sealed.key_id!r}, which is not "
                "configured (TENANT_CONFIG_FERNET_KEYS).",
                extensions={"keyId": sealed.key_id},
            )
        try:
            payload = fernet.decrypt(sealed.token.encode("ascii"))  # no ttl: values do not expire
        except (InvalidToken, UnicodeEncodeError):
            payload = b""
        if payload[:1] != PAYLOAD_FORMAT or payload[1:17] != owner.bytes:
            log.error(
                "ALERT sensitive value of config %s refused: the ciphertext (key %r) is "
                "corrupt or belongs to another config",
                owner,
                sealed.key_id,
            )
            raise SecretUnreadable(
                "The stored sensitive value was refused: it is corrupt or belongs to another "
                "config.",
                extensions={"keyId": sealed.key_id},
            )
        return payload[17:].decode("utf-8")
