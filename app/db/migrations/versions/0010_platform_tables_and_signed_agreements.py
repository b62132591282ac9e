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


def upgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as b:
        b.add_column(_str("legal_representative", 50))
        b.add_column(_int("staff_count"))

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
        b.create_foreign_key(
            b.f("fk_visit_enterprise_major_id_major"), "major", ["major_id"], ["id"]
        )
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

    with op.batch_alter_table("visit", schema=None) as b:
        b.add_column(_str("leader_title", 50))
        b.drop_column("positions_offered")
        b.drop_column("average_pay_fen")

    with op.batch_alter_table("practice_base", schema=None) as b:
        b.add_column(sa.Column("main_projects", sa.Text(), nullable=False, server_default=""))
        b.add_column(_int("fee_per_student_fen"))
        b.add_column(_count("full_time_managers"))
        b.add_column(_count("part_time_managers"))

    with op.batch_alter_table("base_usage", schema=None) as b:
        b.add_column(_count("hours"))
        b.add_column(sa.Column("audience", sa.String(length=2), nullable=False, server_default="校内"))

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

    with op.batch_alter_table("asset", schema=None) as b:
        b.add_column(sa.Column("self_made", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("student", schema=None) as b:
        b.add_column(_str("guardian_relation", 20))
        b.add_column(_str("guardian_id_number", 18))
        b.add_column(_str("home_address", 300))
        b.add_column(_str("emergency_contact", 50))
        b.add_column(_str("emergency_phone", 30))

    with op.batch_alter_table("internship", schema=None) as b:
        b.add_column(_str("agreement_no", 40))
        b.add_column(_str("lodging", 200))
        b.add_column(_str("transport", 200))
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
    with op.batch_alter_table("internship", schema=None) as b:
        b.drop_column("transport")
        b.drop_column("lodging")
        b.drop_column("agreement_no")
    with op.batch_alter_table("student", schema=None) as b:
        for c in ("emergency_phone", "emergency_contact", "home_address", "guardian_id_number", "guardian_relation"):
            b.drop_column(c)
    with op.batch_alter_table("asset", schema=None) as b:
        b.drop_column("self_made")
    with op.batch_alter_table("base_cost", schema=None) as b:
        b.drop_index(b.f("ix_base_cost_school_year"))
        b.drop_index(b.f("ix_base_cost_base_id"))
    op.drop_table("base_cost")
    with op.batch_alter_table("base_usage", schema=None) as b:
        b.drop_column("audience")
        b.drop_column("hours")
    with op.batch_alter_table("practice_base", schema=None) as b:
        for c in ("part_time_managers", "full_time_managers", "fee_per_student_fen", "main_projects"):
            b.drop_column(c)
    with op.batch_alter_table("visit", schema=None) as b:
        b.add_column(sa.Column("positions_offered", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("average_pay_fen", sa.Integer(), nullable=True))
        b.drop_column("leader_title")
    with op.batch_alter_table("visit_enterprise", schema=None) as b:
        b.drop_constraint(b.f("fk_visit_enterprise_hire_major_id_major"), type_="foreignkey")
        b.drop_constraint(b.f("fk_visit_enterprise_intern_major_id_major"), type_="foreignkey")
        b.drop_constraint(b.f("fk_visit_enterprise_major_id_major"), type_="foreignkey")
        for c in (
            "other_cooperation", "starting_pay_fen", "hires", "hire_major_id", "intern_pay_fen", "interns",
            "intern_major_id", "outcome", "host_title", "host_name", "average_pay_fen", "positions", "major_id",
        ):
            b.drop_column(c)
    with op.batch_alter_table("enterprise", schema=None) as b:
        b.drop_column("staff_count")
        b.drop_column("legal_representative")
