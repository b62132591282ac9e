"""the platform's four tables complete, and 三方协议 fit to sign

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:00:00

Fields the records lacked (DOMAIN.md):
- 访企拓岗 is one row per enterprise visited: what was agreed with each enterprise (需求专业, 可提供岗位数, 平均薪酬,
  企业接待人 and 职务, 访谈成果主要形式, interns and graduates it takes, 起薪线, 其他合作) lives on visit_enterprise.
  A visit's own 可提供岗位数 and 平均薪酬 move to the visit's first enterprise (lowest sort_order), and the two
  visit columns are dropped. The visit gains the 牵头拜访人's 职务.
- The enterprise's 法定代表人 (三方协议 乙方) and 在岗职工总数 (校外实习实训基地).
- A base's 主要项目, 学校向基地支付专项实习经费（元/生）, 专职 / 兼职管理人员; a use's 学时 per student (人时) and
  whether it served the school's students or outside trainees (社会); a 校内 base's costs per 学年 (base_cost);
  an asset made by the school itself (自主研制).
- The student's 家庭住址, 紧急联系人 and phone, the 监护人's relationship and 身份证号; the internship's 三方协议编号
  (unique among live internships), 食宿 and 交通.
"""

import sqlalchemy as sa
from alembic import op

import app.db.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_AGREEMENT_NO_WHERE = "deleted_at IS NULL AND agreement_no <> ''"


def _str(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=True)


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def _add(table: str, *columns: sa.Column) -> None:
    """Columns added in place (ALTER TABLE … ADD COLUMN with a constant default), never with a batch that
    recreates the table: on SQLite with foreign keys on, dropping the old table either fails (asset_repair,
    contact … refer to it) or cascades deletes (visit_enterprise of a visit)."""
    for column in columns:
        op.add_column(table, column)


def _drop(table: str, *names: str) -> None:
    for name in names:
        op.drop_column(table, name)  # in place: SQLite ≥ 3.35, PostgreSQL


def upgrade() -> None:
    _add("enterprise", _str("legal_representative", 50), _int("staff_count"))

    # recreated by the batch (SQLite adds a foreign key only so): nothing refers to visit_enterprise
    with op.batch_alter_table("visit_enterprise", schema=None) as b:
        b.add_column(sa.Column("major_id", sa.String(length=36), nullable=True))
        b.add_column(_int("positions"))
        b.add_column(_int("average_pay_fen"))
        b.add_column(_str("host_name", 50))
        b.add_column(_str("host_title", 50))
        b.add_column(_str("outcome", 100))
        b.add_column(sa.Column("intern_major_id", sa.String(length=36), nullable=True))
        b.add_column(_int("interns"))
        b.add_column(_int("intern_pay_fen"))
        b.add_column(sa.Column("hire_major_id", sa.String(length=36), nullable=True))
        b.add_column(_int("hires"))
        b.add_column(_int("starting_pay_fen"))
        b.add_column(sa.Column("other_cooperation", sa.Text(), nullable=False, server_default=""))
        b.create_foreign_key(b.f("fk_visit_enterprise_major_id_major"), "major", ["major_id"], ["id"])
        b.create_foreign_key(
            b.f("fk_visit_enterprise_intern_major_id_major"), "major", ["intern_major_id"], ["id"]
        )
        b.create_foreign_key(
            b.f("fk_visit_enterprise_hire_major_id_major"), "major", ["hire_major_id"], ["id"]
        )

    # a visit's positions and pay go to its first enterprise (the lowest sort_order, then the lowest id)
    bind = op.get_bind()
    visits = bind.execute(
        sa.text(
            "SELECT id, positions_offered, average_pay_fen FROM visit "
            "WHERE positions_offered <> 0 OR average_pay_fen IS NOT NULL"
        )
    ).all()
    for visit_id, positions, pay in visits:
        first = bind.execute(
            sa.text(
                "SELECT enterprise_id FROM visit_enterprise WHERE visit_id = :v "
                "ORDER BY sort_order, enterprise_id LIMIT 1"
            ),
            {"v": visit_id},
        ).scalar()
        if first is None:
            continue
        bind.execute(
            sa.text(
                "UPDATE visit_enterprise SET positions = :p, average_pay_fen = :a "
                "WHERE visit_id = :v AND enterprise_id = :e"
            ),
            {"p": positions if positions else None, "a": pay, "v": visit_id, "e": first},
        )

    # visit (helper h2a): altered in place, not with batch_alter_table. A batch drop_column recreates the
    # table, and dropping the old "visit" with foreign keys on deletes every visit_enterprise row
    # (ON DELETE CASCADE): the enterprises of every visit, and the figures just moved onto them, were
    # lost. SQLite ≥ 3.35 (and PostgreSQL) drop a column in place. tests/core/test_visit_stops.py checks it.
    op.add_column("visit", _str("leader_title", 50))
    op.drop_column("visit", "positions_offered")
    op.drop_column("visit", "average_pay_fen")

    _add(
        "practice_base",
        sa.Column("main_projects", sa.Text(), nullable=False, server_default=""),
        _int("fee_per_student_fen"),
        _count("full_time_managers"),
        _count("part_time_managers"),
    )
    _add(
        "base_usage",
        _count("hours"),
        sa.Column("audience", sa.String(length=2), nullable=False, server_default="校内"),
    )

    op.create_table(
        "base_cost",
        sa.Column("base_id", sa.String(length=36), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("consumables_fen", sa.Integer(), nullable=False),
        sa.Column("maintenance_fen", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.base.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", app.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["base_id"], ["practice_base.id"], name=op.f("fk_base_cost_base_id_practice_base")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_cost")),
    )
    with op.batch_alter_table("base_cost", schema=None) as b:
        b.create_index(b.f("ix_base_cost_base_id"), ["base_id"], unique=False)
        b.create_index(b.f("ix_base_cost_school_year"), ["school_year"], unique=False)

    # a constant default ('0' is false on PostgreSQL too): sa.false() would make SQLite recreate the table
    _add("asset", sa.Column("self_made", sa.Boolean(), nullable=False, server_default="0"))
    _add(
        "student",
        _str("guardian_relation", 20),
        _str("guardian_id_number", 18),
        _str("home_address", 300),
        _str("emergency_contact", 50),
        _str("emergency_phone", 30),
    )
    _add("internship", _str("agreement_no", 40), _str("lodging", 200), _str("transport", 200))
    where = sa.text(_AGREEMENT_NO_WHERE)
    op.create_index(
        "uq_live_internship_agreement_no",
        "internship",
        [sa.text("agreement_no")],
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS uq_live_internship_agreement_no")
    _drop("internship", "transport", "lodging", "agreement_no")
    _drop(
        "student",
        "emergency_phone",
        "emergency_contact",
        "home_address",
        "guardian_id_number",
        "guardian_relation",
    )
    _drop("asset", "self_made")
    with op.batch_alter_table("base_cost", schema=None) as b:
        b.drop_index(b.f("ix_base_cost_school_year"))
        b.drop_index(b.f("ix_base_cost_base_id"))
    op.drop_table("base_cost")
    _drop("base_usage", "audience", "hours")
    _drop("practice_base", "part_time_managers", "full_time_managers", "fee_per_student_fen", "main_projects")
    # in place, as in upgrade(): a recreated "visit" would take its visit_enterprise rows with it
    op.add_column("visit", sa.Column("positions_offered", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("visit", sa.Column("average_pay_fen", sa.Integer(), nullable=True))
    op.drop_column("visit", "leader_title")
    # the visit's figures again: positions summed, pay averaged over its enterprises
    op.execute(
        "UPDATE visit SET "
        "positions_offered = COALESCE((SELECT SUM(positions) FROM visit_enterprise e WHERE e.visit_id = visit.id), 0), "
        "average_pay_fen = (SELECT CAST(AVG(average_pay_fen) AS INTEGER) FROM visit_enterprise e "
        "WHERE e.visit_id = visit.id)"
    )
    with op.batch_alter_table("visit_enterprise", schema=None) as b:
        b.drop_constraint(b.f("fk_visit_enterprise_hire_major_id_major"), type_="foreignkey")
        b.drop_constraint(b.f("fk_visit_enterprise_intern_major_id_major"), type_="foreignkey")
        b.drop_constraint(b.f("fk_visit_enterprise_major_id_major"), type_="foreignkey")
        for c in (
            "other_cooperation",
            "starting_pay_fen",
            "hires",
            "hire_major_id",
            "intern_pay_fen",
            "interns",
            "intern_major_id",
            "outcome",
            "host_title",
            "host_name",
            "average_pay_fen",
            "positions",
            "major_id",
        ):
            b.drop_column(c)
    _drop("enterprise", "staff_count", "legal_representative")
