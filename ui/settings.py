"""Window sizes, last folders and other per-user UI state, kept in an INI file in the app's home
folder (so CHANJIAO_HOME isolates it, and it can travel with a portable install)."""

from __future__ import annotations

from app.paths import home_dir
from ui.qt import *  # noqa: F403


def ui_settings() -> QSettings:
    return QSettings(str(home_dir() / "ui-settings.ini"), QSettings.Format.IniFormat)
