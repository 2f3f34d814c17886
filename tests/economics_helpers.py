"""Settings with a few rule values changed, for tests of engine.economics / engine.roi."""
from __future__ import annotations

import copy
from typing import Any, Mapping

from engine.settings import FILES, Settings


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def settings_with(**files: Mapping[str, Any]) -> Settings:
    """The shipped settings with `files[name]` merged into rule file `name` (nested tables)."""
    default = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(default, name))) for name in FILES}
    for name, changes in files.items():
        _merge(parts[name], changes)
    return Settings(**parts)
