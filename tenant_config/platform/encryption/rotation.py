"""Which keys made the stored ciphertexts, and re-encrypting them with the primary key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import String, Table, func, select, update

from tenant_config.platform.database import db, transaction
from tenant_config.platform.encryption.column import keyring
from tenant_config.platform.encryption.keyring import KEY_ID_LENGTH, Secret
from tenant_config.platform.errors import SecretUnreadable

# Each encrypted table by name, with the column its ciphertexts are bound to.
EncryptedTables = Mapping[str, tuple[Table, str]]


def made_by(table: Table):
    """The SQL expression for the id of the key that made a row's ciphertext."""
    return func.substr(table.c.secret, 1, KEY_ID_LENGTH, type_=String())


def key_usage(tables: EncryptedTables) -> dict[str, Counter]:
    """Count, per table, the ciphertexts each key id made."""
    usage: dict[str, Counter] = {}
    for name, (table, _owner) in tables.items():
        key = made_by(table)
        rows = db.session.execute(
            select(key, func.count()).where(table.c.secret.is_not(None)).group_by(key)
        ).all()
        usage[name] = Counter(dict(rows))
    db.session.rollback()
    return usage


@dataclass
class RotationCount:
    """What a rotation did to one table."""

    rotated: int = 0
    skipped: int = 0  # changed by someone else meanwhile: already re-encrypted
    unreadable: Counter = field(default_factory=Counter)  # key id -> ciphertexts it cannot read


def rotate_all(tables: EncryptedTables, *, batch_size: int) -> dict[str, RotationCount]:
    """Re-encrypt with the primary key every ciphertext it did not make, committing per batch."""
    return {
        name: _rotate_table(table, owner, batch_size) for name, (table, owner) in tables.items()
    }


def _rotate_table(table: Table, owner_column: str, batch_size: int) -> RotationCount:
    ring, count, after = keyring(), RotationCount(), None
    stale = table.c.secret.is_not(None) & (made_by(table) != ring.primary_id)
    while True:
        with transaction() as session:
            query = select(table.c.id, table.c[owner_column], table.c.secret).where(stale)
            if after is not None:
                query = query.where(table.c.id > after)
            rows = session.execute(query.order_by(table.c.id).limit(batch_size)).all()
            for row_id, owner, sealed in rows:
                try:
                    plaintext = ring.open(sealed, owner)
                except SecretUnreadable:
                    count.unreadable[sealed.key_id] += 1
                    continue
                # Compare-and-set: a value changed meanwhile is left as its writer stored it.
                result = session.execute(
                    update(table)
                    .where(table.c.id == row_id, table.c.secret == sealed)
                    .values(secret=Secret(owner, plaintext))
                )
                count.rotated += result.rowcount
                count.skipped += 1 - result.rowcount
        if len(rows) < batch_size:
            return count
        after = rows[-1][0]
