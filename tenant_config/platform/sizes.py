"""The size limits of the contract (DESIGN.md, Data): what a request may carry and a row hold."""

from __future__ import annotations

TEXT_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 1024
VALUE_MAX_LENGTH = 8192
BODY_MAX_BYTES = 64 * 1024
REASON_MAX_LENGTH = 1024
