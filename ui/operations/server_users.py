"""The college's users on its server database (设置 → 用户与权限, issue 19): the list, and each change as one
transaction through the database worker, calling the same service functions as the command line
(app/db/server_users.py), with the next steps of a refusal in the dialog's words (STEPS). A password goes straight
to the service (which sends the server only its SCRAM verifier); it is never logged or kept here."""

from __future__ import annotations

from collections.abc import Callable

from app.db import roles, server_users
from app.db.roles import Privileges
from app.db.server_users import NextSteps, ServerUser
from ui.operations import Failed, write
from ui.ops import ReadOp
from ui.qt import *  # noqa: F403

STEPS = NextSteps(
    set_up="请服务器管理员来设置。",
    list_users="可能已被本学院的另一位管理员删除；关闭“用户与权限”再打开，可看到现在的用户。",
    change_role="要换角色，请先在列表中删除这个用户，再重新添加。",
)


def load_privileges(parent: QWidget, on_done: Callable[[Privileges], None]) -> None:
    """What the connected user may do, as the server decides it."""
    ReadOp(parent, roles.privileges).success(on_done).run()


def load_users(
    parent: QWidget, on_done: Callable[[list[ServerUser]], None], on_failed: Failed | None = None
) -> None:
    """The college's users, by name."""
    op = ReadOp(parent, lambda s: server_users.list_users(s.connection(), steps=STEPS)).success(on_done)
    if on_failed is not None:
        op.failure(on_failed)
    op.run()


def add_user(
    parent: QWidget,
    name: str,
    role: str,
    password: str,
    personal_data: bool,
    on_done: Callable[[ServerUser], None],
    on_failed: Failed | None = None,
) -> None:
    """A new login role holding `role` (管理员 / 录入 / 只读), with 学生个人信息 when asked."""
    write(
        parent,
        lambda s: server_users.add_user(
            s.connection(), name, role, password, personal_data=personal_data, steps=STEPS
        ),
        on_done,  # type: ignore[arg-type]
        on_failed,
    )


def remove_user(
    parent: QWidget, name: str, on_done: Callable[[bool], None], on_failed: Failed | None = None
) -> None:
    """`name` out of the college's roles (True: its login dropped from the server too)."""
    write(parent, lambda s: server_users.remove_user(s.connection(), name, steps=STEPS), on_done, on_failed)  # type: ignore[arg-type]


def set_personal_data(
    parent: QWidget,
    name: str,
    allowed: bool,
    on_done: Callable[[ServerUser], None],
    on_failed: Failed | None = None,
) -> None:
    """Grant (allowed) or revoke 学生个人信息 for `name`."""
    write(
        parent,
        lambda s: server_users.set_personal_data(s.connection(), name, allowed, steps=STEPS),
        on_done,  # type: ignore[arg-type]
        on_failed,
    )
