"""设置 → 合规检查依据: which school policy the 合规检查 follows (app/services/rule_sets.py). The national
《职业学校学生实习管理规定》 always applies; of the school policies the college chooses one, or none. Below the
choice, the rules that are then not checked (those only the other policy says), so the user sees what the
choice means before saving it.

Embedding: the panel reads and writes through the database worker itself (reload() / save_choice(), one
WriteOp = one transaction, changes_applied("settings")); load(session) / save(session) do the same on a
session the caller holds (a dialog that saves several sections in one transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services import rule_sets as svc
from app.services.common import Changes
from ui.operations import rule_sets as rule_set_ops
from ui.ops import ReadOp
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers


class RuleSetsPanel(QGroupBox):
    saved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("合规检查依据", parent)
        lay = QVBoxLayout(self)
        intro = QLabel(
            f"国家规定{svc.documents_in_force('')[0]}始终检查。学校自己的制度只采用本校的一项："
            "只出自未采用的制度的规则不检查；检查结果和生成的文档按所选文件的名称引用依据。"
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for choice in svc.preset_choices():
            button = QRadioButton(choice.label)
            self.group.addButton(button)
            self.buttons[choice.key] = button
            lay.addWidget(button)
            button.toggled.connect(self._update_off)
        self.off = QLabel(wordWrap=True)
        lay.addWidget(self.off)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save_choice)
        for_writers(self.save_button)
        self.status = QLabel()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        lay.addLayout(row)
        self.saved_choice = ""

    # ---------------------------------------------------------------- the choice

    def choice(self) -> str:
        return next((key for key, b in self.buttons.items() if b.isChecked()), svc.DEFAULT_PRESET)

    def set_choice(self, preset: str) -> None:
        self.buttons.get(preset, self.buttons[svc.DEFAULT_PRESET]).setChecked(True)
        self._update_off()

    @Slot()
    def _update_off(self) -> None:
        off = svc.rules_off(self.choice())
        self.off.setText(
            f"不检查的规则（{len(off)}条）：" + "、".join(r.title for r in off) if off else "全部规则都检查。"
        )
        self.off.setToolTip("\n".join(f"{r.title}：{r.citation}" for r in off))
        changed = self.choice() != self.saved_choice
        self.status.setText("尚未保存" if changed else "")

    # ---------------------------------------------------------------- on a caller's session

    def load(self, s: Session) -> None:
        self.saved_choice = svc.get_rule_preset(s)
        self.set_choice(self.saved_choice)

    def save(self, s: Session) -> Changes:
        return svc.save_rule_preset(s, self.choice())

    # ---------------------------------------------------------------- through the database worker

    def reload(self) -> None:
        ReadOp(self, svc.get_rule_preset).success(self._loaded).run()

    def _loaded(self, preset: str) -> None:
        self.saved_choice = preset
        self.set_choice(preset)

    @Slot()
    def save_choice(self) -> None:
        preset = self.choice()
        self.save_button.setEnabled(False)
        rule_set_ops.save_rule_preset(self, preset, self._saved, self._failed)

    def _saved(self, _changes: Changes) -> None:
        self.saved_choice = self.choice()
        self.save_button.setEnabled(True)
        self._update_off()
        self.status.setText("已保存")
        self.saved.emit()

    def _failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        self.save_button.setEnabled(True)
        show_error(self, exc)
