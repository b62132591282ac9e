"""成果 form: kind, title, the date it counts on, enterprise, major, contract amount and period, people, note.
The date's label follows the kind (签订 / 授权 / 获奖 / 发布); the amount is for the contract kinds (横向课题,
技术服务 / 转让 / 咨询 — they make 学校为企业技术服务年收入) and is greyed out for the others; 共同开发课程 / 教材
need their enterprise. A hint under the kind says which 产学合作 figure the record feeds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import ACHIEVEMENT_KINDS, CONTRACT_ACHIEVEMENT_KINDS
from app.services import outcome_list
from app.services import outcomes as svc
from app.services.choices import Choice
from app.services.common import Changes
from ui import theme
from ui.dialogs.outcome_form import OutcomeForm, amount_fen
from ui.forms import DateField, MoneyEdit, required
from ui.forms.fields import note_edit, side_by_side
from ui.qt import *  # noqa: F403

SOURCE = "N四(六)1"
DATE_LABELS = {
    **dict.fromkeys(CONTRACT_ACHIEVEMENT_KINDS, "签订日期"),
    "专利": "授权日期",
    "技能竞赛获奖": "获奖日期",
    "标准": "发布日期",
    "共同开发课程": "完成日期",
    "共同开发教材": "完成日期",
}
KIND_HINTS = {
    **dict.fromkeys(
        CONTRACT_ACHIEVEMENT_KINDS,
        "合同金额按签订日期计入当学年“学校为企业技术服务年收入（万元）”。",
    ),
    "共同开发课程": "按日期计入当学年“共同开发课程数（门）”，须选择合作企业。",
    "共同开发教材": "按日期计入当学年“共同开发教材数（种）”，须选择合作企业。",
}
NO_AMOUNT = "只有横向课题、技术服务、技术转让、技术咨询填写合同金额"
AMOUNT_HINT = "如 12,345.60"


class AchievementDialog(OutcomeForm):
    geometry_key = "achievement"
    unsaved_what = "成果"
    titles = ("新建成果", "修改成果")
    bound_fields = "kind title dated_on starts_on ends_on people note"
    first_field = "title"
    _kept_amount = False  # a non-contract record saved with an amount keeps it editable

    def build_fields(self, enterprises: list[Choice], majors: list[Choice]) -> None:
        kind = QWidget()
        k = QVBoxLayout(kind)
        k.setContentsMargins(0, 0, 0, 0)
        k.setSpacing(2)
        self.kind = QComboBox()
        self.kind.addItems(ACHIEVEMENT_KINDS)
        self.kind_hint = theme.hint(QLabel(wordWrap=True))
        self.kind_hint.setToolTip(f"依据：{cite_source(SOURCE)}")
        k.addWidget(side_by_side(self.kind))
        k.addWidget(self.kind_hint)
        self.row(required("成果类型"), kind, "kind")
        self.title = QLineEdit(placeholderText="如：智能产线设备改造技术服务、《工业机器人编程》课程")
        self.row(required("成果名称"), self.title, "title")
        self.dated_on = DateField(optional=False, field="dated_on", label="签订日期")
        self.dated_on.setToolTip("成果计入的学年按这个日期确定")
        self.row(required("签订日期"), side_by_side(self.dated_on), "dated_on")
        self.enterprise = self.enterprise_box(enterprises, "（无合作企业）")
        self.row("合作企业", self.enterprise, "enterprise_id")
        self.major = self.major_box(majors)
        self.row("所属专业", side_by_side(self.major), "major_id")
        self.amount = MoneyEdit("amount_fen", "合同金额", placeholder=AMOUNT_HINT)
        self.amount.setMinimumWidth(200)
        self.row("合同金额（元）", side_by_side(self.amount), "amount_fen")
        self.starts_on = DateField(field="starts_on", label="开始日期")
        self.ends_on = DateField(field="ends_on", label="结束日期")
        self.row("起止日期", side_by_side(self.starts_on, "至", self.ends_on), "starts_on")
        self.also_error("ends_on", "starts_on")
        self.people = QLineEdit(placeholderText="参与教师、学生，用顿号分隔")
        self.row("完成人", self.people, "people")
        self.note = note_edit("备注：合同编号、专利号、奖项级别等", 70)
        self.row("备注", self.note, "note")
        self.kind.currentTextChanged.connect(self._kind_changed)
        self._kind_changed(self.kind.currentText())

    @Slot(str)
    def _kind_changed(self, kind: str) -> None:
        contract = kind in CONTRACT_ACHIEVEMENT_KINDS
        date_label = DATE_LABELS.get(kind, "日期")
        self.set_label("dated_on", required(date_label))
        self.dated_on.label = date_label
        needs_ent = kind in ("共同开发课程", "共同开发教材")
        self.set_label("enterprise_id", required("合作企业") if needs_ent else "合作企业")
        self.kind_hint.setText(KIND_HINTS.get(kind, "不计入产学合作报表的数字列，登记备查。"))
        editable = contract or self._kept_amount
        self.amount.setEnabled(editable)
        if not editable:
            self.amount.clear()
        self.amount.setPlaceholderText(AMOUNT_HINT if editable else "此类成果不填")
        self.amount.setToolTip("合同金额（元），精确到分" if contract else NO_AMOUNT)

    def read(self, s: Session, record_id: str) -> svc.AchievementRow:
        return outcome_list.get_achievement(s, record_id)

    def title_for(self, a: svc.AchievementRow) -> str:
        return f"成果：{a.title}"

    def load(self, a: svc.AchievementRow) -> None:
        self._kept_amount = bool(a.amount_fen) and a.kind not in CONTRACT_ACHIEVEMENT_KINDS
        self.fill_outcome(a)
        self._kind_changed(a.kind)
        self.amount.set_fen(a.amount_fen or None)

    def data(self) -> svc.AchievementData:
        return svc.AchievementData(
            **self.outcome_values(),
            amount_fen=amount_fen(self.amount) if self.amount.isEnabled() else 0,
        )

    def check_record(self, s: Session, data: svc.AchievementData):
        return svc.check_achievement(s, data)

    def write(self, s: Session, data: svc.AchievementData) -> Changes:
        return svc.save_achievement(s, data, self.record_id)
