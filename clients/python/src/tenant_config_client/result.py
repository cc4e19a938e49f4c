"""A connector's configuration as read: typed values by group and name, with its version and age."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeAlias

# A value as `format=map` types it: bool, int, float, str, parsed JSON, or None when unset.
ConfigValue: TypeAlias = Any
Group: TypeAlias = Mapping[str, ConfigValue]


def freeze(document: object) -> Mapping[str, Group]:
    """Make a `format=map` answer read-only, so that callers cannot change the held copy."""
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise ValueError("the lookup did not answer a map of groups")
    return MappingProxyType({group: MappingProxyType(values) for group, values in document.items()})


@dataclass
class Held:
    """A configuration the client holds: its values, ETag and when the service last confirmed it."""

    values: Mapping[str, Group]
    etag: str
    verified_at: float  # time.time() of the last 200 or 304

    def result(self, *, from_cache: bool) -> ConfigResult:
        """This copy as a read's result."""
        return ConfigResult(self.values, self.etag, self.verified_at, from_cache=from_cache)


class ConfigResult(Mapping[str, Group]):
    """The configuration by group, then name: `result["messageLogConfigs"]["messageLogEnabled"]`."""

    __slots__ = ("_values", "etag", "from_cache", "verified_at")

    def __init__(
        self, values: Mapping[str, Group], etag: str, verified_at: float, *, from_cache: bool
    ):
        self._values = values
        self.etag = etag  # what `client.report` takes, as the service sent it
        self.verified_at = verified_at
        self.from_cache = from_cache  # True: the service could not be reached; the last-known-good

    @property
    def age_seconds(self) -> float:
        """Seconds since the service last confirmed these values."""
        return max(0.0, time.time() - self.verified_at)

    @property
    def stale_seconds(self) -> float:
        """How stale a last-known-good answer is (its age); 0.0 for an answer the service gave."""
        return self.age_seconds if self.from_cache else 0.0

    def __getitem__(self, group: str) -> Group:
        return self._values[group]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        # Names only: values can be secrets, and reprs end up in logs.
        groups = {group: sorted(values) for group, values in self._values.items()}
        return f"ConfigResult(etag={self.etag!r}, from_cache={self.from_cache}, groups={groups})"
