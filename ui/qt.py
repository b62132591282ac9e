"""Every Qt name the UI uses, from one place (Anki's `aqt/qt`): a UI module starts `from ui.qt import *`.

QtCharts (the 工作台's charts, from the Addons wheel) and QtNetwork stay imported where they are used.
`tests/ui/test_ui_qt_names.py` runs ruff's undefined-name check over `ui/` with this module's names spelled
out, so a star import hides no misspelt name.
"""

from PySide6.QtCore import *  # noqa: F403
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtWidgets import *  # noqa: F403
