"""The terminal transport behind `kam chat`: the same Assistant, plain text, numbered buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.assistant import Assistant
from skills.models import Button, Reply, User


def render_plain(reply: Reply) -> str:
    """A reply as terminal text; buttons become a numbered list."""
    lines = [reply.text] if reply.blocks else []
    if reply.toast and not reply.blocks:
        lines.append(f"({reply.toast})")
    if reply.file:
        where = reply.file.path or reply.file.filename
        lines.append(f"[{reply.file.kind}: {where}] {reply.file.caption}".rstrip())
    buttons = flatten_buttons(reply)
    if buttons:
        lines.append("  ".join(f"[{index}] {button.label}" for index, button in enumerate(buttons, 1)))
    return "\n".join(lines)


def flatten_buttons(reply: Reply) -> list[Button]:
    """Buttons in reading order, numbered from 1 in the terminal."""
    return [button for row in reply.buttons for button in row]


class TerminalChat:
    """One conversation in the terminal: a bare number presses that button of the last reply."""

    def __init__(self, assistant: Assistant, user: User):
        self.assistant = assistant
        self.user = user
        self.last_buttons: list[Button] = []

    def send(self, line: str) -> Reply:
        """Handle one line typed by the user."""
        line = line.strip()
        callback = None
        if line.isdigit() and 1 <= int(line) <= len(self.last_buttons):
            callback = self.last_buttons[int(line) - 1].data
        user = self.assistant.users.get(self.user.id)  # preferences may have changed
        if callback:
            request = self.assistant.request(user, "", callback_data=callback)
        else:
            request = self.assistant.request(user, line)
        reply = self.assistant.handle(request).settled()  # a model's answer arrives whole here
        self.last_buttons = flatten_buttons(reply)
        return reply

    def run(self, lines: Iterable[str], write: Callable[[str], None]) -> None:
        """Answer each non-empty line; used for piped input."""
        for line in lines:
            if line.strip():
                write(render_plain(self.send(line)))
