"""The enterprise form's 合作情况 tab: the partner's highest tier and the agreements, projects and visits that
name it (double-click opens one), with 新建协议 and 记录走访 for this enterprise."""

from __future__ import annotations

from app.compliance.registry import cite_source
from app.services.enterprise_links import Cooperation, LinkedRecord, enterprise_cooperation
from ui import theme
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

GROUPS = (("agreements", "合作协议"), ("projects", "项目与平台"), ("visits", "企业走访"))


class CooperationPanel(QWidget):
    changed = Signal()  # a record was created or edited from here

    def __init__(self, enterprise_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enterprise_id = enterprise_id
        lay = QVBoxLayout(self)
        self.summary = QLabel(wordWrap=True)
        self.summary.setStyleSheet(theme.text(theme.TEXT, bold=True))
        self.summary.setToolTip(
            f"合作层级：该企业参与的项目中最高的层级（基础层、深化层、融合层；依据：{cite_source('H第九条')}）"
        )
        lay.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["记录", "说明", "日期"])
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 170)
        self.tree.setRootIsDecorated(False)
        self.tree.itemActivated.connect(self._open)
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        new_agreement = QPushButton("新建协议…")
        new_agreement.setToolTip("新建一份与该企业的合作协议")
        new_agreement.clicked.connect(self.new_agreement)
        for_writers(new_agreement)
        visit = QPushButton("记录走访…")
        visit.setToolTip("记录一次对该企业的走访")
        visit.clicked.connect(self.new_visit)
        for_writers(visit)
        row.addWidget(new_agreement)
        row.addWidget(visit)
        row.addStretch(1)
        row.addWidget(theme.hint(QLabel("双击打开一条记录")))
        lay.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.show_cooperation(read_now(lambda s: enterprise_cooperation(s, self.enterprise_id)))

    def show_cooperation(self, c: Cooperation) -> None:
        self.cooperation = c
        self.summary.setText(c.summary)
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for key, label in GROUPS:
            records: tuple[LinkedRecord, ...] = getattr(c, key)
            head = QTreeWidgetItem([f"{label}（{len(records)}）"])
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for r in records:
                item = QTreeWidgetItem(["    " + r.title, r.detail, str(r.day or "")])
                item.setData(0, Qt.ItemDataRole.UserRole, (r.record_type, r.id))
                item.setToolTip(0, r.title)
                self.tree.addTopLevelItem(item)
            if not records:
                empty = QTreeWidgetItem(["    （无）"])
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                self.tree.addTopLevelItem(empty)

    @Slot(QTreeWidgetItem, int)
    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if not target:
            return
        record_type, record_id = target
        if record_type == "agreement":
            from ui.dialogs.agreement_dialog import AgreementDialog

            AgreementDialog(self.window(), record_id).exec()
        elif record_type == "project":
            from ui.dialogs.project_dialog import ProjectDialog

            ProjectDialog(self.window(), record_id).exec()
        else:
            from ui.dialogs.visit_dialog import VisitDialog

            VisitDialog(self.window(), record_id).exec()
        self._after()

    @Slot()
    def new_agreement(self) -> None:
        from ui.dialogs.agreement_dialog import AgreementDialog

        AgreementDialog(self.window(), enterprise_ids=(self.enterprise_id,)).exec()
        self._after()

    @Slot()
    def new_visit(self) -> None:
        from ui.dialogs.visit_dialog import VisitDialog

        VisitDialog(self.window(), enterprise_ids=(self.enterprise_id,)).exec()
        self._after()

    def _after(self) -> None:
        self.reload()  # a dialog closes after its write has committed
        self.changed.emit()
