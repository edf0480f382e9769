"""Follow-ups and reminders: create from free text or /remind, list, finish, snooze, edit, cancel; /tz, /digest."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from crm.conversations import ConversationRepository
from crm.followups.digest import LIST_LIMIT, DailyDigest, DigestService, InvalidDigestTime, WeeklyData
from crm.followups.reading import DueInPast, InvalidDue, NoDueTime, find_due, task_text
from crm.followups.reminders import Claim
from crm.followups.repository import FollowUp, FollowUpClosed, FollowUpNotFound, FollowupRepository
from crm.followups.schedule import SNOOZE_CHOICES, snooze_target
from crm.followups.service import FollowupService
from crm.formatting import format_due, format_money
from crm.language import Language, language_of
from crm.users import UserRepository
from skills.base import RouteScore, Skill, SkillError, button_row_id, command
from skills.intent import asks_for_a_reminder
from skills.models import Block, Button, FileOut, Reply, Request

LIST_SHOWN = 40  # lines in /followups; the rest are counted
DETAIL_BUTTONS = 5  # items in /followups that get an "open" button

_LIST = re.compile(
    r"(?:哪些|什么|几[条个]).{0,4}(?:待办|跟进|提醒|要做|到期)|^(?:我的|查看|看看)?(?:待办|跟进)(?:事项|列表|清单)?[?？]?$|跟进列表"
    r"|\bwhat'?s due\b|\bwhat is due\b|\bmy (?:follow-?ups|reminders|to-?dos?)\b|\b(?:list|show)(?: me)? (?:my )?"
    r"(?:follow-?ups|reminders|to-?dos?)\b|\bwhat do i (?:have|need to do)\b",
    re.IGNORECASE,
)
_OTHER_RECORDS = re.compile(r"合同|工单|投诉|商机|contract|case|complaint|opportunit", re.IGNORECASE)  # their own lists
_SNOOZE = re.compile(r"^\s*(?:推迟|延后|延期|往后推|改到|改成|挪到)|^\s*(?:snooze|postpone|push (?:it|this) to)\b", re.IGNORECASE)
_ID = re.compile(r"#?\s*(\d{1,9})\b")
_ZONE_ALIASES = {
    "北京": "Asia/Shanghai", "上海": "Asia/Shanghai", "中国": "Asia/Shanghai", "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai", "china": "Asia/Shanghai", "香港": "Asia/Hong_Kong", "台北": "Asia/Taipei",
    "东京": "Asia/Tokyo", "tokyo": "Asia/Tokyo", "新加坡": "Asia/Singapore", "singapore": "Asia/Singapore",
    "纽约": "America/New_York", "new york": "America/New_York", "洛杉矶": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles", "伦敦": "Europe/London", "london": "Europe/London",
    "巴黎": "Europe/Paris", "paris": "Europe/Paris", "柏林": "Europe/Berlin", "berlin": "Europe/Berlin",
    "悉尼": "Australia/Sydney", "sydney": "Australia/Sydney", "utc": "UTC", "gmt": "UTC",
}  # fmt: skip


class FollowupsSkill(Skill):
    """Follow-ups a rep must not forget, reminded at the right time in their time zone."""

    name = "followups"
    title_zh = "跟进提醒"
    title_en = "Follow-ups"
    description_zh = "记下要跟进的事，到点提醒；一键完成或推迟，每天早上发今日待办"
    description_en = "Follow-ups reminded on time; finish or snooze with one tap; a morning digest"
    examples = (
        "提醒我周五下午给华信发方案",
        "remind me to call Acme's CFO tomorrow 3pm",
        "我有哪些待办",
        "what's due",
        "推迟到周五下午",
    )

    def __init__(
        self,
        conversations: ConversationRepository,
        users: UserRepository,
        followups: FollowupRepository,
        service: FollowupService,
        digests: DigestService,
    ):
        self.conversations = conversations
        self.users = users
        self.repository = followups
        self.service = service
        self.digests = digests

    # routing -----------------------------------------------------------------------------------

    def score(self, request: Request) -> RouteScore:
        """Claim "提醒我…/remind me…/别忘了…", list requests and typed snoozes."""
        text = request.text.strip()
        if asks_for_a_reminder(text):
            return RouteScore(0.9, "asks for a reminder")
        if _SNOOZE.search(text):
            return RouteScore(0.85, "snoozes a reminder")
        if _LIST.search(text) and not _OTHER_RECORDS.search(text):
            return RouteScore(0.85, "asks what is due")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Create a reminder, list what is due, or snooze the latest reminder, as the text asks."""
        text = request.text.strip()
        plain = request.plain.strip()  # 我的跟進 asks what 我的跟进 asks; the reminder keeps the words as typed
        if _SNOOZE.search(plain) and not asks_for_a_reminder(plain):
            return self._snooze_typed(request, text)
        if _LIST.search(plain) and not asks_for_a_reminder(plain):
            return self.followups(request)
        return self._create(request, text)

    def resume(self, request: Request, state: dict) -> Reply:
        """The answer to "which time?" or "what new text?" asked before."""
        text = request.text.strip()
        if text.lower() in {"取消", "算了", "cancel", "never mind", "nevermind"}:
            self.conversations.clear(request.user.id)
            return Reply.of(request.t("好的，不改了。", "OK, nothing changed."))
        if asks_for_a_reminder(text) and ("create" in state or state.get("edit") == "time"):
            self.conversations.clear(request.user.id)  # a new reminder request, not the answer to "when?"
            return self.handle(request)
        if "create" in state:
            found = self._due(request, text)
            if found is None:
                raise SkillError("没看懂这个时间，请再说一次，例如“明天上午10点”或“周五下午”。发送“取消”放弃。",
                                 'I could not read that time. Try "tomorrow 10am" or "Friday afternoon", or say "cancel".')  # fmt: skip
            self.conversations.clear(request.user.id)
            return self._store_new(request, state["create"], found.due)
        followup_id = int(state.get("id", 0))
        if state.get("edit") == "time":
            followup = self._move(request, followup_id, text, snooze=False, unreadable=(
                "没看懂这个时间，请再说一次，例如“周五下午3点”。发送“取消”放弃。",
                'I could not read that time; try "Friday 3pm", or say "cancel".'))  # fmt: skip
            self.conversations.clear(request.user.id)
            return Reply.of(request.t(f"已改到 {self._when(request, followup.due)}：{followup.text}",
                                      f"Moved to {self._when(request, followup.due)}: {followup.text}"))  # fmt: skip
        if state.get("edit") == "text":
            followup = self._guard(lambda: self.repository.rename(
                followup_id, user_id=request.user.id, text=text, now=request.now))  # fmt: skip
            self.conversations.clear(request.user.id)
            return Reply.of(request.t(f"已改为：{followup.text}", f"Changed to: {followup.text}"))
        self.conversations.clear(request.user.id)
        return self.handle(request)

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """Buttons: done, snooze (1h/tomorrow/monday), view, edit time/text, cancel, list."""
        action, _, rest = payload.partition(":")
        if action == "list":
            return self.followups(request)
        followup_id_text, _, option = rest.partition(":")
        followup_id = button_row_id(followup_id_text)
        user_id = request.user.id
        if action == "done":
            followup = self._guard(lambda: self.repository.complete(followup_id, user_id=user_id, now=request.now))
            return self._replaced(request.t(f"✅ 已完成：{followup.text}", f"✅ Done: {followup.text}"),
                                  request.t("已完成", "Done"))  # fmt: skip
        if action == "snooze" and option in SNOOZE_CHOICES:
            due = snooze_target(option, now=request.now, zone=request.user.zone, default_time=self._default_time)  # type: ignore[arg-type]
            followup = self._guard(lambda: self.repository.reschedule(
                followup_id, user_id=user_id, due=due, now=request.now, snooze=True))  # fmt: skip
            when = self._when(request, followup.due)
            return self._replaced(request.t(f"⏰ 已推迟到 {when}：{followup.text}", f"⏰ Snoozed to {when}: {followup.text}"),
                                  request.t(f"推迟到 {when}", f"Snoozed to {when}"))  # fmt: skip
        if action == "view":
            return self._detail(request, self._get(followup_id, user_id))
        if action == "edit" and option in ("time", "text"):
            followup = self._get(followup_id, user_id)
            if followup.status != "open":
                raise SkillError(*self._closed_message(followup.status))
            self.conversations.set(user_id, self.name, {"edit": option, "id": followup_id})
            if option == "time":
                return Reply.of(request.t(f"“{followup.text}”改到什么时候？例如“周五下午3点”或“2小时后”。",
                                          f'When should "{followup.text}" be due? e.g. "Friday 3pm" or "in 2 hours".'))  # fmt: skip
            return Reply.of(request.t(f"请发送新的内容（原来是：{followup.text}）。",
                                      f"Send the new text (it was: {followup.text})."))  # fmt: skip
        if action == "cancel":
            followup = self._guard(lambda: self.repository.cancel(followup_id, user_id=user_id, now=request.now))
            return self._replaced(request.t(f"🗑 已取消：{followup.text}", f"🗑 Cancelled: {followup.text}"),
                                  request.t("已取消", "Cancelled"))  # fmt: skip
        raise SkillError("这个按钮已失效。", "This button is no longer valid.")

    # commands ----------------------------------------------------------------------------------

    @command("remind", zh="新建提醒：/remind 周五下午 给华信发方案", en="New reminder: /remind tomorrow 3pm call Acme",
             example="/remind 明天上午10点 给华信打电话")  # fmt: skip
    def remind(self, request: Request) -> Reply:
        """Create a follow-up from the text after the command."""
        if not request.args.strip():
            raise SkillError("用法：/remind 时间 事情，例如 /remind 周五下午 给华信发方案",
                             "Usage: /remind WHEN WHAT, e.g. /remind tomorrow 3pm call Acme's CFO")  # fmt: skip
        return self._create(request, request.args)

    @command("followups", zh="查看待办跟进（逾期的在前）", en="Open follow-ups, overdue first", example="/followups")
    def followups(self, request: Request) -> Reply:
        """List the user's open follow-ups: overdue first, then by due time, in their time zone."""
        items = self.repository.list_open(request.user.id, limit=LIST_SHOWN)
        total = self.repository.count_open(request.user.id)
        if not items:
            return Reply.of(request.t("没有待办的跟进。发送“提醒我…”新建一条。",
                                      'No open follow-ups. Say "remind me …" to add one.'))  # fmt: skip
        overdue = [f for f in items if f.due <= request.now]
        upcoming = [f for f in items if f.due > request.now]
        reply = Reply(blocks=[Block(text=request.t(f"📋 待办跟进（{total}）", f"📋 Open follow-ups ({total})"), kind="heading")])
        if overdue:
            reply.add(request.t("⏰ 已逾期", "⏰ Overdue"), "heading")
            reply.add("\n".join(self._line(request, f) for f in overdue))
        if upcoming:
            reply.add(request.t("📅 接下来", "📅 Coming up"), "heading")
            reply.add("\n".join(self._line(request, f) for f in upcoming))
        if total > len(items):
            reply.add(request.t(f"…还有 {total - len(items)} 条没列出。", f"…and {total - len(items)} more."), "note")
        reply.add(request.t("点编号查看、修改或取消；也可以发送 /done 编号。", "Tap a number to view, edit or cancel; or send /done ID."), "note")
        shown = items[:DETAIL_BUTTONS]
        reply.buttons = [[Button(label=f"#{f.id}", data=self.callback(f"view:{f.id}")) for f in shown]]
        return reply

    @command("followup", zh="查看一条跟进并修改：/followup 编号", en="Show one follow-up to edit it: /followup ID",
             example="/followup 12")  # fmt: skip
    def followup(self, request: Request) -> Reply:
        """One follow-up with buttons to finish, snooze, change the time or text, or cancel."""
        return self._detail(request, self._get(self._id_arg(request), request.user.id))

    @command("done", zh="标记跟进完成：/done 编号", en="Mark a follow-up done: /done ID", example="/done 12")
    def done(self, request: Request) -> Reply:
        """Finish a follow-up by its number."""
        followup_id = self._id_arg(request)
        followup = self._guard(lambda: self.repository.complete(followup_id, user_id=request.user.id, now=request.now))
        return Reply.of(request.t(f"✅ 已完成：{followup.text}", f"✅ Done: {followup.text}"))

    @command("snooze", zh="推迟提醒：/snooze 编号 时间（不写编号即最近一条提醒）",
             en="Snooze: /snooze ID WHEN (no ID: the latest reminder)", example="/snooze 12 明天上午10点")  # fmt: skip
    def snooze(self, request: Request) -> Reply:
        """Move a reminder to a new time, typed."""
        if not request.args.strip():
            raise SkillError("用法：/snooze 编号 时间，例如 /snooze 12 周五下午", "Usage: /snooze ID WHEN, e.g. /snooze 12 Friday 3pm")
        return self._snooze_typed(request, request.args)

    @command("tz", zh="设置时区：/tz Asia/Shanghai 或 /tz 纽约", en="Set your time zone: /tz America/New_York",
             example="/tz Asia/Shanghai")  # fmt: skip
    def tz(self, request: Request) -> Reply:
        """Show or set the user's time zone (an IANA name or a city)."""
        wanted = request.args.strip()
        if not wanted:
            local = request.local_now.strftime("%Y-%m-%d %H:%M")
            return Reply.of(request.t(f"你的时区：{request.user.timezone}（现在 {local}）。修改：/tz America/New_York",
                                      f"Your time zone: {request.user.timezone} (now {local}). Change: /tz Europe/London"))  # fmt: skip
        zone_name = resolve_zone(wanted)
        if zone_name is None:
            raise SkillError(f"不认识时区“{wanted}”。请用 IANA 名称，例如 Asia/Shanghai、America/New_York。",
                             f'Unknown time zone "{wanted}". Use an IANA name like Asia/Shanghai or America/New_York.')  # fmt: skip
        self.users.update(request.user.id, timezone=zone_name)
        local = request.now.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%d %H:%M")
        return Reply.of(request.t(f"好的，时区已设为 {zone_name}（当地现在 {local}）。已有提醒的时刻不变，按新时区显示。",
                                  f"Time zone set to {zone_name} (now {local} there). Existing reminders keep "
                                  "their moment and show in the new zone."))  # fmt: skip

    @command("digest", zh="每日待办推送时间：/digest 07:45、/digest off、/digest now",
             en="Daily digest time: /digest 07:45, off, on or now", example="/digest 07:45")  # fmt: skip
    def digest(self, request: Request) -> Reply:
        """Show or set the daily digest time; 'off' stops it, 'on' restores the default, 'now' shows it."""
        service = self.digests
        choice = request.args.strip().lower()
        if choice in ("now", "现在", "today", "今天"):
            digest = service.daily(request.user, now=request.now)
            if digest is not None:
                return daily_digest_reply(digest, language=request.language)
            return Reply.of(
                request.t("今天没有到期或逾期的跟进。", "Nothing due or overdue today."))  # fmt: skip
        if choice in ("off", "关闭", "关", "stop"):
            service.set_digest_time(request.user.id, "off")
            return Reply.of(request.t("好的，不再发送每日待办和每周小结。/digest on 可恢复。",
                                      "OK, no more daily digest or weekly summary. /digest on turns them back on."))  # fmt: skip
        if choice in ("on", "开启", "开", "default", "默认"):
            value = service.set_digest_time(request.user.id, None)
        elif choice:
            try:
                value = service.set_digest_time(request.user.id, choice)
            except InvalidDigestTime:
                raise SkillError("用法：/digest 07:45、/digest off 或 /digest now",
                                 "Usage: /digest 07:45, /digest off or /digest now") from None  # fmt: skip
        else:
            value = service.digest_time(request.user.id)
            if value is None:
                return Reply.of(request.t("每日待办推送已关闭。/digest 08:30 可开启。", "The daily digest is off. /digest 08:30 turns it on."))
            return Reply.of(request.t(f"每天 {value}（{request.user.timezone}）发送今日待办，周一附每周小结。修改：/digest 07:45 或 /digest off",
                                      f"Daily digest at {value} ({request.user.timezone}), with a weekly summary on Mondays. "
                                      "Change: /digest 07:45 or /digest off"))  # fmt: skip
        return Reply.of(request.t(f"好的，每天 {value}（{request.user.timezone}）发送今日待办。",
                                  f"OK, daily digest at {value} ({request.user.timezone})."))  # fmt: skip

    # helpers -----------------------------------------------------------------------------------

    @property
    def _default_time(self) -> time:
        return self.service.default_time

    def _create(self, request: Request, text: str) -> Reply:
        try:
            draft = self.service.read(text, user=request.user, now=request.now)
        except NoDueTime:
            task = task_text(text)
            if not task:
                raise SkillError("要提醒你做什么？例如“提醒我周五下午给华信发方案”。",
                                 "What should I remind you of? e.g. \"remind me to call Acme's CFO tomorrow 3pm\".") from None  # fmt: skip
            self.conversations.set(request.user.id, self.name, {"create": task})
            return Reply.of(request.t(f"好的：{task}。什么时候提醒你？例如“明天上午10点”或“周五下午”。",
                                      f'OK: {task}. When should I remind you? e.g. "tomorrow 10am" or "Friday afternoon".'))  # fmt: skip
        except InvalidDue as error:
            task = task_text(text, error.span) or task_text(text)
            if task:
                self.conversations.set(request.user.id, self.name, {"create": task})
            ask = request.t(f"什么时候提醒你“{task}”？例如“明天上午10点”。发送“取消”放弃。",
                            f'When should I remind you to "{task}"? e.g. "tomorrow 10am", or say "cancel".') if task else ""  # fmt: skip
            return Reply.of(self._invalid_message(request, error.words) + ("\n" + ask if ask else ""))
        except DueInPast:
            raise SkillError("这个时间已经过了，请换一个将来的时间。", "That time has already passed; pick a time in the future.") from None
        note = None
        if draft.moved:
            clock = f"{self._default_time:%H:%M}"
            note = request.t(f"今天的默认提醒时间 {clock} 已经过了，所以改在这个时间提醒你。",
                             f"Today's default reminder time ({clock}) has passed, so I'll remind you then instead.")  # fmt: skip
        return self._store_new(request, draft.text, draft.due, note=note)

    @staticmethod
    def _invalid_message(request: Request, words: str) -> str:
        return request.t(f"“{words}”不是有效的日期或时间，我没有按它设提醒。",
                         f'"{words}" is not a real date or time, so I did not set a reminder for it.')  # fmt: skip

    def _store_new(self, request: Request, text: str, due: datetime, *, note: str | None = None) -> Reply:
        self._not_past(request, due)
        followup = self.service.create(request.user, text, due)
        when = self._when(request, followup.due)
        lines = [request.t(f"好的，{when} 提醒你：{followup.text}", f"OK, I'll remind you {when}: {followup.text}")]
        if note:
            lines.append(note)
        if followup.customer_name:
            lines.append(request.t(f"客户：{followup.customer_name}", f"Customer: {followup.customer_name}"))
        buttons = [[
            Button(label=request.t("改时间", "Change time"), data=self.callback(f"edit:{followup.id}:time")),
            Button(label=request.t("改内容", "Change text"), data=self.callback(f"edit:{followup.id}:text")),
            Button(label=request.t("取消", "Cancel"), data=self.callback(f"cancel:{followup.id}")),
        ]]  # fmt: skip
        return Reply.of("\n".join(lines), buttons=buttons)

    def _snooze_typed(self, request: Request, text: str) -> Reply:
        explicit = _ID.match(text.strip()) if request.command else _ID.search(text)
        target: FollowUp | None
        remainder = text
        if explicit and (request.command or "#" in explicit.group(0)):
            target = self._get(int(explicit.group(1)), request.user.id)
            remainder = text[: explicit.start()] + " " + text[explicit.end():]
        else:
            target = self.repository.latest_reminded(request.user.id)
            if target is None:
                open_items = self.repository.list_open(request.user.id, limit=2)
                target = open_items[0] if len(open_items) == 1 else None
            if target is None:
                raise SkillError("要推迟哪一条？请发送 /snooze 编号 时间，编号见 /followups。",
                                 "Which one? Send /snooze ID WHEN; /followups shows the numbers.")  # fmt: skip
        followup = self._move(request, target.id, remainder, snooze=True, unreadable=(
            "推迟到什么时候？例如“推迟到周五下午”或“推迟1小时”。",
            'Snooze until when? e.g. "snooze to Friday 3pm" or "snooze 1 hour".'))  # fmt: skip
        when = self._when(request, followup.due)
        return Reply.of(request.t(f"⏰ 已推迟到 {when}：{followup.text}", f"⏰ Snoozed to {when}: {followup.text}"))

    def _move(
        self, request: Request, followup_id: int, text: str, *, snooze: bool, unreadable: tuple[str, str]
    ) -> FollowUp:
        """Reschedule a follow-up to the time `text` names; `unreadable` is said when it names none."""
        found = self._due(request, text)
        if found is None:
            raise SkillError(*unreadable)
        self._not_past(request, found.due)
        return self._guard(lambda: self.repository.reschedule(
            followup_id, user_id=request.user.id, due=found.due, now=request.now, snooze=snooze))  # fmt: skip

    def _due(self, request: Request, text: str):
        cleaned = re.sub(r"^\s*(?:推迟|延后|延期|往后推|改到|改成|挪到|snooze|postpone|push (?:it|this) to)\s*(?:到|至|to|until|for)?",
                         "", text, flags=re.IGNORECASE)  # fmt: skip
        try:
            return find_due(cleaned or text, now=request.now, zone=request.user.zone, default_time=self._default_time)
        except InvalidDue as error:
            raise SkillError(self._invalid_message(request, error.words) + request.t("请换一个时间，或发送“取消”。", ' Try another time, or say "cancel".')) from None

    def _not_past(self, request: Request, due: datetime) -> None:
        if due <= request.now:
            raise SkillError("这个时间已经过了，请换一个将来的时间。", "That time has already passed; pick a time in the future.")

    def _detail(self, request: Request, followup: FollowUp) -> Reply:
        when = self._when(request, followup.due)
        status = {
            "open": request.t("待办", "open"), "done": request.t("已完成", "done"), "cancelled": request.t("已取消", "cancelled"),
        }[followup.status]  # fmt: skip
        lines = [f"#{followup.id} {followup.text}", request.t(f"到期：{when}", f"Due: {when}"),
                 request.t(f"状态：{status}", f"Status: {status}")]  # fmt: skip
        if followup.customer_name:
            lines.insert(1, request.t(f"客户：{followup.customer_name}", f"Customer: {followup.customer_name}"))
        if followup.snooze_count:
            lines.append(request.t(f"已推迟 {followup.snooze_count} 次", f"Snoozed {followup.snooze_count} times"))
        if followup.reminder_state == "failed":
            lines.append(request.t("⚠️ 提醒发送失败", "⚠️ The reminder could not be delivered"))
        reply = Reply.of("\n".join(lines))
        if followup.status == "open":
            reply.buttons = reminder_buttons(followup.id, request.language, default_time=self._default_time)
            reply.buttons.append([
                Button(label=request.t("改时间", "Change time"), data=self.callback(f"edit:{followup.id}:time")),
                Button(label=request.t("改内容", "Change text"), data=self.callback(f"edit:{followup.id}:text")),
                Button(label=request.t("取消这条", "Cancel it"), data=self.callback(f"cancel:{followup.id}")),
            ])  # fmt: skip
        return reply

    def _line(self, request: Request, followup: FollowUp) -> str:
        who = f"【{followup.customer_name}】" if followup.customer_name else ""
        warn = " ⚠️" if followup.reminder_state == "failed" else ""
        return f"#{followup.id} {who}{followup.text} — {self._when(request, followup.due)}{warn}"

    def _when(self, request: Request, due: datetime) -> str:
        return format_due(due, zone=request.user.zone, now=request.now, language=request.language)

    def _get(self, followup_id: int, user_id: int) -> FollowUp:
        try:
            return self.repository.get(followup_id, user_id=user_id)
        except FollowUpNotFound:
            raise SkillError(f"没有编号为 {followup_id} 的跟进。", f"There is no follow-up #{followup_id}.") from None

    def _guard(self, change):
        try:
            return change()
        except FollowUpNotFound as error:
            raise SkillError(f"没有编号为 {error.args[0]} 的跟进。", f"There is no follow-up #{error.args[0]}.") from None
        except FollowUpClosed as error:
            raise SkillError(*self._closed_message(error.status)) from None

    @staticmethod
    def _closed_message(status: str) -> tuple[str, str]:
        if status == "done":
            return "这条跟进已经完成了。", "That follow-up is already done."
        return "这条跟进已经取消了。", "That follow-up was cancelled."

    @staticmethod
    def _id_arg(request: Request) -> int:
        match = _ID.match(request.args.strip())
        if not match:
            raise SkillError(f"用法：/{request.command} 编号（见 /followups）", f"Usage: /{request.command} ID (see /followups)")
        return int(match.group(1))

    def _replaced(self, text: str, toast: str) -> Reply:
        reply = Reply.of(text)
        reply.replace_message = True
        reply.toast = toast
        return reply


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def resolve_zone(value: str) -> str | None:
    """An IANA zone name for what the user typed (any case, or a city alias), or None."""
    wanted = value.strip()
    alias = _ZONE_ALIASES.get(wanted.casefold())
    if alias:
        return alias
    name = _zones_by_folded_name().get(wanted.casefold().replace(" ", "_"))
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


# the messages the scheduler sends (worded here, delivered by the transport) --------------------


def reminder_buttons(followup_id: int, language: str, *, default_time: time) -> list[list[Button]]:
    """Done / Snooze 1 h / Tomorrow 9:00 / Next Monday, addressed to the follow-ups skill."""
    zh = language == "zh"
    clock = f"{default_time:%H:%M}"

    def data(action: str) -> str:
        return f"{FollowupsSkill.name}:{action}"

    return [
        [
            Button(label="✅ 完成" if zh else "✅ Done", data=data(f"done:{followup_id}")),
            Button(label="⏰ 1小时后" if zh else "⏰ Snooze 1 h", data=data(f"snooze:{followup_id}:1h")),
        ],
        [
            Button(label=f"明天 {clock}" if zh else f"Tomorrow {clock}", data=data(f"snooze:{followup_id}:tomorrow")),
            Button(label="下周一" if zh else "Next Monday", data=data(f"snooze:{followup_id}:monday")),
        ],
    ]


def reminder_reply(claim: Claim, *, now: datetime, default_time: time) -> Reply:
    """The reminder message: what, when (in the user's zone), an overdue marker, one-tap buttons."""
    followup, user = claim.followup, claim.user
    language = user.language or language_of(followup.text)
    zh = language == "zh"
    if claim.late:
        heading = "⏰ 已逾期 · 跟进提醒" if zh else "⏰ Overdue · follow-up reminder"
    else:
        heading = "⏰ 跟进提醒" if zh else "⏰ Follow-up reminder"
    when = format_due(followup.due, zone=user.zone, now=now, language=language)
    lines = [followup.text]
    if followup.customer_name:
        lines.append(("客户：" if zh else "Customer: ") + followup.customer_name)
    lines.append(("到期：" if zh else "Due: ") + when + (f"（#{followup.id}）" if zh else f" (#{followup.id})"))
    reply = Reply(buttons=reminder_buttons(followup.id, language, default_time=default_time))
    return reply.add(heading, "heading").add("\n".join(lines))


DIGEST_GAP_CHARS = 40


def daily_digest_reply(digest: DailyDigest, *, language: Language) -> Reply:
    """The morning digest: overdue, due today, yesterday's visits without a follow-up."""
    zh = language == "zh"
    today, zone, now = digest.today, digest.user.zone, digest.now
    weekday = ("周" + "一二三四五六日"[today.weekday()]) if zh else today.strftime("%A")
    title = (f"☀️ 今日跟进 · {today.month}月{today.day}日 {weekday}" if zh
             else f"☀️ Today · {weekday} {today.day} {today.strftime('%b')}")  # fmt: skip
    reply = Reply(blocks=[Block(text=title, kind="heading")])

    def section(label: str, lines: list[str], total: int) -> None:
        if not lines:
            return
        more = total - len(lines)
        if more > 0:
            lines.append(f"…还有 {more} 条" if zh else f"…and {more} more")
        reply.add(f"{label}（{total}）" if zh else f"{label} ({total})", "heading")
        reply.add("\n".join(lines))

    def item(followup: FollowUp) -> str:
        if followup.customer_name:
            who = f"【{followup.customer_name}】" if zh else f"[{followup.customer_name}] "
        else:
            who = ""
        when = format_due(followup.due, zone=zone, now=now, language=language)
        return f"• #{followup.id} {who}{followup.text} — {when}"

    section("⏰ 已逾期" if zh else "⏰ Overdue", [item(f) for f in digest.overdue], digest.overdue_total)
    section("📌 今天到期" if zh else "📌 Due today", [item(f) for f in digest.due_today], digest.due_today_total)
    no_customer = "未关联客户" if zh else "no customer"
    gap_lines = [
        f"• {gap.customer_name or no_customer}{'：' if zh else ': '}{_shorten(gap.summary, DIGEST_GAP_CHARS)}"
        for gap in digest.gaps[:LIST_LIMIT]
    ]
    section("📝 昨天拜访还没有跟进" if zh else "📝 Yesterday's visits without a follow-up", gap_lines, len(digest.gaps))
    if digest.gaps:
        reply.add("回复“提醒我…”即可补一条跟进。" if zh else 'Reply "remind me …" to add one.', "note")
    stale_lines = [
        f"• #{o.id} {o.customer_name or ''} {o.title}".replace("  ", " ")
        for o in digest.stale_opportunities[:LIST_LIMIT]
    ]
    section("💼 没有下一步或久未推进的商机" if zh else "💼 Opportunities with no next step or gone quiet", stale_lines,
            len(digest.stale_opportunities))  # fmt: skip
    reply.buttons = [[Button(label="查看全部待办" if zh else "All follow-ups", data=f"{FollowupsSkill.name}:list")]]
    return reply


def weekly_reply(data: WeeklyData, chart: bytes | None, *, language: Language) -> Reply:
    """Monday's summary of last week, with the chart as a photo when there is one."""
    zh = language == "zh"
    visits, done, created = data.last_week(data.visits), data.last_week(data.done), data.last_week(data.created)
    weeks = len(data.days) // 7
    if zh:
        title = "📊 上周小结"
        body = (f"拜访 {visits} 次，完成跟进 {done} 条，新增跟进 {created} 条。\n"
                f"目前待办 {data.open_now} 条，其中逾期 {data.overdue_now} 条。")  # fmt: skip
        caption = f"近 {weeks} 周每天的拜访与完成的跟进"
    else:
        title = "📊 Last week"
        body = (f"{visits} visits, {done} follow-ups done, {created} new.\n"
                f"{data.open_now} open now, {data.overdue_now} overdue.")  # fmt: skip
        caption = f"Visits and follow-ups done per day, last {weeks} weeks"
    reply = Reply(blocks=[Block(text=title, kind="heading"), Block(text=body)])
    if data.pipeline:
        stages = ("、" if zh else ", ").join(f"{stage.label_zh if zh else stage.label_en} {stage.count}" for stage in data.pipeline)
        weighted: dict[str, Decimal] = {}
        for stage in data.pipeline:
            for currency, value in stage.weighted.items():
                weighted[currency] = weighted.get(currency, Decimal(0)) + Decimal(value)
        totals = ", ".join(format_money(value, currency or None, language) for currency, value in weighted.items())
        reply.add((f"销售漏斗：{stages}" if zh else f"Pipeline: {stages}") + (f"（加权 {totals}）" if zh and totals
                  else f" (weighted {totals})" if totals else ""))  # fmt: skip
    if chart:
        reply.file = FileOut(kind="photo", content=chart, filename="weekly.png", caption=caption)
    return reply


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
