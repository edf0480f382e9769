"""Access for admins in the chat: /users lists who may use the bot, adds and revokes them."""

from __future__ import annotations

from crm.users import LOCAL_OPERATOR_ID, UserNotFound, UserRepository
from skills.base import Skill, SkillError, command
from skills.models import Reply, Request


class UsersSkill(Skill):
    """Who may use the bot; admins only."""

    name = "users"
    title_zh = "用户与权限"
    title_en = "Users and access"
    description_zh = "管理员：查看、添加和撤销用户"
    description_en = "Admins: list, add and revoke users"

    def __init__(self, users: UserRepository, *, timezone_name: str):
        self.users = users
        self.timezone_name = timezone_name

    @command("users", zh="管理员：/users、/users add 编号 [admin]、/users revoke 编号",
             en="Admins: /users, /users add ID [admin], /users revoke ID", example="/users")  # fmt: skip
    def users_command(self, request: Request) -> Reply:
        """List users, or add / revoke one (admins only)."""
        if not request.user.is_admin:
            raise SkillError("只有管理员可以管理用户。", "Only admins can manage users.")
        words = request.args.split()
        if not words:
            return self._list(request)
        action, rest = words[0].lower(), words[1:]
        if action not in ("add", "revoke") or not rest or not rest[0].isascii() or not rest[0].isdigit():
            raise SkillError("用法：/users、/users add 编号 [admin]、/users revoke 编号",
                             "Usage: /users, /users add ID [admin], /users revoke ID")  # fmt: skip
        user_id = int(rest[0])
        if user_id in (LOCAL_OPERATOR_ID, request.user.id) or user_id > 2**53:
            raise SkillError("不能修改这个用户。", "That user can't be changed here.")
        if action == "revoke":
            try:
                self.users.revoke(user_id)
            except UserNotFound:
                raise SkillError(f"没有用户 {user_id}。", f"There is no user {user_id}.") from None
            return Reply.of(request.t(f"已撤销用户 {user_id} 的权限，TA 的下一条消息起生效；记录保留。",
                                      f"User {user_id} is revoked from their next message on; their records are kept."))  # fmt: skip
        role = "admin" if [word.lower() for word in rest[1:]] == ["admin"] else "rep"
        self.users.restore(user_id, role=role, timezone_name=self.timezone_name)
        return Reply.of(request.t(f"用户 {user_id} 可以使用了（{'管理员' if role == 'admin' else '销售'}）。",
                                  f"User {user_id} may use the bot now ({role})."))  # fmt: skip

    def _list(self, request: Request) -> Reply:
        lines = []
        for user in self.users.all(active_only=False):
            if user.id == LOCAL_OPERATOR_ID:
                continue
            state = request.t("已撤销", "revoked") if user.revoked else ("" if user.active else request.t("已屏蔽机器人", "blocked the bot"))
            lines.append(f"{user.id} · {user.name or '-'} · {user.role} · {user.registered_via}" + (f" · {state}" if state else ""))
        return Reply.of(request.t(f"用户（{len(lines)}）：", f"Users ({len(lines)}):"), "\n".join(lines))
