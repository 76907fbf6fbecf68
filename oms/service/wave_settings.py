"""A channel's wave settings, given with the channel in the network document (``"wave": {...}``)."""

from __future__ import annotations

from typing import Any

from oms.adapters.waves import WaveRepository
from oms.domain.waves import WaveSettings
from oms.errors import FieldError, InvalidInput
from oms.service.unit_of_work import UnitOfWork


def wave_settings_errors(uow: UnitOfWork, channel: dict[str, Any], i: int) -> list[FieldError]:
    doc = channel.get("wave")
    if doc is None:
        return []
    path = f"channels[{i}].wave"
    if channel.get("sourcing_mode") != "batch":
        return [FieldError(path, "wave settings apply to batch channels (sourcing_mode: batch)")]
    try:
        WaveSettings.load(doc, path)
    except InvalidInput as err:
        return err.errors
    return []


def store_wave_settings(uow: UnitOfWork, channel: dict[str, Any]) -> None:
    """Keep the channel's settings; a batch channel given none runs with the defaults."""
    doc = channel.get("wave")
    settings = WaveSettings.load(doc) if doc is not None and channel.get("sourcing_mode") == "batch" else None
    WaveRepository(uow.session).put_settings(channel["code"], settings)
