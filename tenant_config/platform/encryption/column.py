"""The encrypted column type and the value fields that Config and ConfigVersion share."""

from __future__ import annotations

import uuid

from flask import Flask, current_app
from sqlalchemy import String, Text, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from tenant_config.platform.encryption.keyring import Keyring, Sealed, Secret
from tenant_config.platform.settings import ConfigurationError, Settings
from tenant_config.platform.sizes import VALUE_MAX_LENGTH

KEYRING = "tenant_config.keyring"


def init_encryption(app: Flask, settings: Settings) -> None:
    """Give the app its keyring (the development key when none is configured in development)."""
    keys = settings.fernet_keys
    if not keys and settings.development:
        keys = (settings.dev_fernet_key_path.read_text().strip(),)
    if keys:  # a migration may run without keys until it has a value to encrypt
        app.extensions[KEYRING] = Keyring(keys)


def keyring() -> Keyring:
    """Return the keyring of the current app."""
    ring = current_app.extensions.get(KEYRING)
    if ring is None:
        raise ConfigurationError(
            "TENANT_CONFIG_FERNET_KEYS is required: this migration encrypts stored sensitive values"
        )
    return ring


class EncryptedText(TypeDecorator):
    """Stores a `Secret` as `<key id>:<fernet token>`; loads it back as a `Sealed` (lazily read)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, Secret):
            value = keyring().seal(value)
        if not isinstance(value, Sealed):
            # A plain string here would be plaintext on its way to the database.
            raise TypeError("an encrypted column takes a Secret or a Sealed value")
        return str(value)

    def process_result_value(self, value: str | None, dialect) -> Sealed | None:
        return None if value is None else Sealed.parse(value)


class SensitiveValue:
    """`value` holds a plain value; a sensitive one lives encrypted in `secret` instead."""

    value: Mapped[str | None] = mapped_column(String(VALUE_MAX_LENGTH))
    secret: Mapped[Secret | Sealed | None] = mapped_column(EncryptedText())
    sensitive: Mapped[bool]

    @property
    def secret_owner(self) -> uuid.UUID:
        """The config id that the ciphertext is bound to."""
        raise NotImplementedError

    def reveal(self) -> str | None:
        """Return the value in plain text, decrypting a sensitive one."""
        if not self.sensitive:
            return self.value
        if isinstance(self.secret, Secret):
            return self.secret.plaintext
        return None if self.secret is None else keyring().open(self.secret, self.secret_owner)

    def store_value(self, value: str | None, *, sensitive: bool) -> None:
        """Set the value, encrypted (on flush) when sensitive."""
        self.sensitive = sensitive
        if sensitive:
            self.value = None
            self.secret = None if value is None else Secret(self.secret_owner, value)
        else:
            self.value, self.secret = value, None

    def copy_value(self, other: SensitiveValue) -> None:
        """Take `other`'s value as it stands (ciphertexts are copied, not re-encrypted)."""
        self.value, self.secret, self.sensitive = other.value, other.secret, other.sensitive
