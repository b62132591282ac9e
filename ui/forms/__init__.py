"""Record forms: one base (RecordForm), shared field widgets (fields), editable child rows (grid)."""

from ui.forms.fields import ChoiceBox, DateField, MoneyEdit, fit_to_content, pydate, qdate, required
from ui.forms.grid import EditGrid, GridColumn
from ui.forms.record_form import (
    RecordForm,
    close_box,
    fit_on_screen,
    ok_cancel,
    read_only_table,
    restore_geometry,
    save_geometry,
    scrolling,
)

__all__ = [
    "ChoiceBox",
    "DateField",
    "EditGrid",
    "GridColumn",
    "MoneyEdit",
    "RecordForm",
    "close_box",
    "fit_on_screen",
    "fit_to_content",
    "ok_cancel",
    "pydate",
    "qdate",
    "read_only_table",
    "required",
    "restore_geometry",
    "save_geometry",
    "scrolling",
]
