"""The 图表 tab of the 工作台: six ChartCards (ui/charts.py) filled from ChartData and the Trend
(app/reporting/chart_data.py), with an empty state for each saying what to enter to see it."""

from __future__ import annotations

from app.compliance.registry import cite_source
from app.db.models_internships import INTERNSHIP_KINDS
from app.domain.money import format_money
from app.reporting.chart_data import NO_CATEGORY, ChartData, Trend
from ui import theme
from ui.charts import BLUE, KIND_COLOURS, LIGHT_BLUE, ORANGE, ChartCard, bar_chart, month_forms, trend_chart
from ui.qt import *  # noqa: F403

NO_PARTNERS = "还没有合作中的企业：在“合作企业档案”中把企业状态设为合作中"


def _wan(fen: int) -> float:
    return round(fen / 1_000_000, 2)  # 万元


class ChartsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = theme.muted(QLabel(""))
        self.info.setWordWrap(True)
        self.cards = {
            "tiers": ChartCard("合作中的企业（按最高合作层级）"),
            "categories": ChartCard("合作中的企业（按企业类别）"),
            "enterprises": ChartCard("本学年实习人次最多的企业"),
            "months": ChartCard("本学年各月在岗实习人数"),
            "funds": ChartCard("本年度项目经费：预算与支出"),
            "trend": ChartCard("近五个学年指标趋势"),
        }
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 2, i % 2)
        self.cards["funds"].setMinimumHeight(450)
        self.cards["trend"].setMinimumHeight(450)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addWidget(self.info)
        lay.addWidget(scroll, 1)

    def show_busy(self) -> None:
        for card in self.cards.values():
            card.show_busy()
        self.cards["trend"].show_busy("正在计算近五个学年的指标，档案大时需要一点时间…")

    def show_data(self, d: ChartData) -> None:
        self.info.setText(
            f"本学年：{d.school_year}　经费年度：{d.year}年　合作中的企业 {d.partners} 家。"
            "把鼠标停在柱子或点上可看数值；数据修改后自动刷新。"
        )
        self._partners(d)
        self._internships(d)
        self._funds(d)

    def _partners(self, d: ChartData) -> None:
        tiers, cats = self.cards["tiers"], self.cards["categories"]
        if not d.partners:
            tiers.show_empty(NO_PARTNERS)
            cats.show_empty(NO_PARTNERS + "，并在企业档案中勾选企业类别")
            return
        # 尚无项目 is named under the axis, not drawn: next to thousands of such partners the tiers would not show
        ranked = [c for c in d.partners_by_tier if c.label != "尚无项目"]
        without = d.partners - sum(c.value for c in ranked)
        if not any(c.value for c in ranked):
            tiers.show_empty(
                f"合作中的 {d.partners} 家企业都还没有参与项目：在“项目与平台”中建立项目并选择合作企业"
            )
        else:
            labels = [c.label for c in ranked]
            tiers.show_chart(
                bar_chart(
                    tiers.title,
                    labels,
                    [("企业数", [c.value for c in ranked], BLUE)],
                    value_title="企业数（家）",
                    category_title="最高合作层级",
                    tip=lambda i, _n, v: f"{labels[i]}：{v:g} 家（合作中的企业共 {d.partners} 家）",
                ),
                (f"另有 {without} 家合作中的企业尚无项目。" if without else "")
                + f"层级按{cite_source('H第九条')}划分。",
            )
        by_cat = d.partners_by_category
        categories_source = cite_source("H第八条(一)")
        cats.show_chart(
            bar_chart(
                cats.title,
                [c.label for c in by_cat],
                [("企业数", [c.value for c in by_cat], BLUE)],
                value_title="企业数（家）",
                horizontal=True,
                tip=lambda i, _n, v: (
                    f"{by_cat[i].label}：{v:g} 家"
                    + (
                        f"（合作中但未标注{categories_source}所列类别）"
                        if by_cat[i].label == NO_CATEGORY
                        else ""
                    )
                ),
            ),
            f"一家企业可属多个类别；类别见{categories_source}。",
        )

    def _internships(self, d: ChartData) -> None:
        ent, months = self.cards["enterprises"], self.cards["months"]
        year = f"本学年（{d.school_year}）"
        top = d.internships_by_enterprise
        if not top:
            ent.show_empty(f"{year}还没有实习记录：在“学生实习”中登记实习并填写实习企业（计划中的实习不计）")
        else:
            more = f"另有 {d.enterprises_left_out} 家企业未列出。" if d.enterprises_left_out else ""
            ent.show_chart(
                bar_chart(
                    ent.title + (f"（前{len(top)}家）" if d.enterprises_left_out else ""),
                    [c.label for c in top],
                    [("实习人次", [c.value for c in top], ORANGE)],
                    value_title="实习人次",
                    horizontal=True,
                    tip=lambda i, _n, v: f"{top[i].tip or top[i].label}：{v:g} 人次",
                ),
                f"计入与{d.school_year}学年有重叠的实习。{more}",
            )
        by_month = d.internships_by_month
        kinds = [k for k, _name in enumerate(INTERNSHIP_KINDS) if any(m.by_kind[k] for m in by_month)]
        if not kinds:
            months.show_empty(
                f"{year}还没有进行中的实习：在“学生实习”中登记实习的起止日期（计划中的实习不计）"
            )
            return
        labels = [m.label for m in by_month]
        months.show_chart(
            bar_chart(
                months.title,
                labels,
                [(INTERNSHIP_KINDS[k], [m.by_kind[k] for m in by_month], KIND_COLOURS[k % 2]) for k in kinds],
                value_title="在岗实习人数（人）",
                category_title="月份",
                forms=month_forms(labels)[1:],
                tip=lambda i, name, v: f"{by_month[i].month:%Y年%m月} {name}：{v:g} 人",
            ),
            f"{d.school_year}学年各月在岗的实习（计划中的实习不计）。",
        )

    def _funds(self, d: ChartData) -> None:
        card = self.cards["funds"]
        if not d.funds:
            card.show_empty(f"{d.year}年度还没有项目经费预算或支出：在“经费”中录入项目预算和经费台账")
            return
        funds = d.funds
        more = (
            f"预算最多的{len(funds)}个项目，另有 {d.projects_left_out} 个未列出。"
            if d.projects_left_out
            else ""
        )

        def tip(i: int, _name: str, _v: float) -> str:
            p = funds[i]
            used = f"，已用 {p.spent_fen * 100 / p.budget_fen:.1f}%" if p.budget_fen else "，无预算"
            over = "，已超支" if p.spent_fen > p.budget_fen else ""
            return (
                f"{p.name}\n预算 {format_money(p.budget_fen, symbol=False)} 元，"
                f"支出 {format_money(p.spent_fen, symbol=False)} 元{used}{over}"
            )

        card.show_chart(
            bar_chart(
                f"{d.year}年度项目经费：预算与支出",
                [p.name for p in funds],
                [
                    ("预算", [_wan(p.budget_fen) for p in funds], LIGHT_BLUE),
                    ("支出", [_wan(p.spent_fen) for p in funds], BLUE),
                ],
                value_title="金额（万元）",
                horizontal=True,
                integer=False,
                tip=tip,
            ),
            more,
        )

    def show_trend(self, trend: Trend) -> None:
        card = self.cards["trend"]
        if trend.empty:
            card.show_empty(
                "近五个学年还没有可统计的指标：在“学生实习”中登记岗位实习、在“师资队伍”中标注双师型教师、"
                "在“学生与就业”中录入毕业生就业去向后可看到趋势"
            )
            return
        card.show_chart(trend_chart(trend), "* 为本学年，统计至今天。")
