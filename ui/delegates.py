"""Item delegates shared by lists and forms."""

from __future__ import annotations

from ui import theme
from ui.qt import *  # noqa: F403

PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 10  # a float 0–1+ (actual / target), or None for plain text
TIER_COLORS = theme.TIER  # 融合/深化/基础层
TRACK = theme.qcolor(theme.BORDER)
DONE = theme.qcolor(theme.OK)  # reached the target
ON_WAY = theme.qcolor(theme.INFO)
BEHIND = theme.qcolor(theme.WARNING)  # under half way


def progress_color(value: float) -> QColor:
    return DONE if value >= 1 else ON_WAY if value >= 0.5 else BEHIND


class ProgressDelegate(QStyledItemDelegate):
    """Cells whose PROGRESS_ROLE holds a number get a small bar (full at 100%, coloured by how far along)
    and their text beside it, which says the real figure (120% stays 120%). Other cells paint as usual."""

    BAR_WIDTH = 56

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        value = index.data(PROGRESS_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # background
        rect = opt.rect.adjusted(4, 0, -4, 0)
        width = min(self.BAR_WIDTH, rect.width() // 2)
        bar = QRect(rect.left(), rect.center().y() - 4, width, 9)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TRACK)
        painter.drawRoundedRect(bar, 3, 3)
        filled = round(width * max(0.0, min(1.0, float(value))))
        if filled:
            painter.setBrush(progress_color(float(value)))
            painter.drawRoundedRect(QRect(bar.left(), bar.top(), filled, bar.height()), 3, 3)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        text_rect = rect.adjusted(width + 6, 0, 0, 0)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text_rect, align, text or f"{float(value):.0%}")
        painter.restore()
