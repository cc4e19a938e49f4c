"""The last-known-good copy on disk: encrypted with the connector's key, atomic, mode 0600."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from tenant_config_client.result import Held, freeze

log = logging.getLogger("tenant_config_client")


class LastKnownGood:
    """One encrypted file per lookup in `directory`, read when the service cannot be reached."""

    def __init__(self, directory: str | os.PathLike[str], key: str | bytes):
        self.directory = Path(directory)
        self._fernet = Fernet(key)  # a key from Fernet.generate_key(), held by the connector
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def path(self, lookup: str) -> Path:
        """The file holding `lookup` (a hash: file names reveal no tenant)."""
        return self.directory / f"{hashlib.sha256(lookup.encode()).hexdigest()[:32]}.lkg"

    def save(self, lookup: str, held: Held) -> None:
        """Replace the copy of `lookup` at once: readers see the old file or the new, never half."""
        document = {"lookup": lookup, "etag": held.etag, "values": held.values}
        sealed = self._fernet.encrypt(json.dumps(document, default=dict).encode())
        target = self.path(lookup)
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".lkg-")  # mode 0600
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(sealed)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except OSError as error:
            log.warning("could not write the last-known-good copy %s: %s", target, error)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return
        os.utime(target, (held.verified_at, held.verified_at))

    def confirm(self, lookup: str, verified_at: float) -> None:
        """Note that the service confirmed the copy at `verified_at` (a 304): its age restarts."""
        with contextlib.suppress(OSError):
            os.utime(self.path(lookup), (verified_at, verified_at))

    def load(self, lookup: str) -> Held | None:
        """The copy of `lookup`, or None when there is none or it cannot be read with this key."""
        path = self.path(lookup)
        try:
            sealed = path.read_bytes()
            verified_at = path.stat().st_mtime
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("could not read the last-known-good copy %s: %s", path, error)
            return None
        try:
            document = json.loads(self._fernet.decrypt(sealed))
            if document["lookup"] != lookup:  # a file copied over another's: not this lookup
                return None
            return Held(freeze(document["values"]), document["etag"], verified_at)
        except (InvalidToken, ValueError, KeyError, TypeError):
            log.warning("the last-known-good copy %s does not open with this key; ignored", path)
            return None
