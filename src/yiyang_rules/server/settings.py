"""Service settings, read from the environment so that every uvicorn worker process (started by
import string) sees the same values as the ``yiyang serve`` command that set them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..exemptions import DEFAULT_MAX_MONTHS

MIB = 1024 * 1024

ENV_MAX_BODY = "YIYANG_MAX_BODY_BYTES"
ENV_MAX_BATCH = "YIYANG_MAX_BATCH_BYTES"
ENV_MAX_EXEMPTION_MONTHS = "YIYANG_MAX_EXEMPTION_MONTHS"

# A snapshot of a large institution with tens of thousands of records is a few MiB; 16 MiB leaves room
# without letting one request hold a worker's memory hostage.
DEFAULT_MAX_BODY = 16 * MIB
# A batch is answered line by line, but a client that sends the whole body before it reads the
# answer (most do) makes the server hold the unread part: 256 MiB is about 10,000 snapshots.
DEFAULT_MAX_BATCH = 256 * MIB


class SettingsError(ValueError):
    pass


def _size(env: Mapping[str, str], name: str, default: int, unit: str = "bytes") -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a whole number of {unit}") from None
    if value <= 0:
        raise SettingsError(f"{name}={text!r} must be greater than 0")
    return value


@dataclass(frozen=True)
class Settings:
    """``max_body_bytes`` bounds one snapshot: the body of ``POST /v1/check`` and each line of a batch.
    ``max_batch_bytes`` bounds the whole body of ``POST /v1/check/batch``."""

    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch_bytes: int = DEFAULT_MAX_BATCH
    # The longest exemption a request may carry (``?exemptions=envelope``), in months from
    # ``granted``: the service's counterpart of ``check --exemption-max-months``.
    max_exemption_months: int = DEFAULT_MAX_MONTHS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        return cls(
            max_body_bytes=_size(source, ENV_MAX_BODY, DEFAULT_MAX_BODY),
            max_batch_bytes=_size(source, ENV_MAX_BATCH, DEFAULT_MAX_BATCH),
            max_exemption_months=_size(source, ENV_MAX_EXEMPTION_MONTHS, DEFAULT_MAX_MONTHS, "months"),
        )

    def as_env(self) -> dict[str, str]:
        return {
            ENV_MAX_BODY: str(self.max_body_bytes),
            ENV_MAX_BATCH: str(self.max_batch_bytes),
            ENV_MAX_EXEMPTION_MONTHS: str(self.max_exemption_months),
        }
