"""`kam`: a thin shell over the library. Each command builds objects, calls one method, prints."""

from __future__ import annotations

import sys

import click

from bot import __version__
from bot.assistant import Assistant
from bot.cli.cases import cases, eval_kams
from bot.cli.common import acting_user, ensure_sample_customers, open_assistant, print_json, settings_or_exit
from bot.cli.contracts import contracts
from bot.cli.customers import customer, customers
from bot.cli.dates import eval_dates
from bot.cli.doctor import doctor
from bot.cli.followups import followups_command, remind_command
from bot.cli.kb import kb
from bot.cli.knowledge import ask, eval_kb, ingest, run_ingest
from bot.cli.notes import eval_notes, note
from bot.cli.opportunities import eval_opps, opps
from bot.cli.pricing import pricing, quote_command
from bot.cli.transcribe import transcribe
from bot.cli.users import users

STOP_BUILD_SECONDS = 30  # on exit, the longest wait for a background index build to stop at its next step


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kam")
def main() -> None:
    """KAM Assistant (大客户经理助手): a Telegram bot for key-account managers."""


@main.command()
@click.option("--chat-fallback", is_flag=True, help="With no TELEGRAM_BOT_TOKEN, start `kam chat` instead.")
def run(chat_fallback: bool) -> None:
    """Run the Telegram bot (long polling)."""
    settings = settings_or_exit()
    if not settings.telegram_bot_token:
        click.echo("TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram.", err=True)
        if not chat_fallback:
            click.echo("Use `kam chat` to talk to the assistant in this terminal.", err=True)
            sys.exit(2)
        click.echo("Starting the local chat instead (`kam chat`).", err=True)
        _chat(user_id=0)
        return
    from telegram.error import InvalidToken

    from bot.telegram.application import build_application, run_bot

    assistant = open_assistant()
    _build_index_in_background(assistant)
    application = build_application(assistant)
    click.echo("Bot is running (it waits for Telegram if the Bot API is unreachable). Press Ctrl+C to stop.", err=True)
    try:
        run_bot(application, assistant.settings)
    except InvalidToken:
        raise click.ClickException("Telegram refused TELEGRAM_BOT_TOKEN: check the token from @BotFather") from None
    finally:
        assistant.knowledge.stop_build(timeout=STOP_BUILD_SECONDS)


@main.command()
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Chat as this existing user (0: the local operator, an admin); never creates one.")
def chat(user_id: int) -> None:
    """Talk to the assistant in this terminal (reads one message per line when piped)."""
    _chat(user_id=user_id)


def _chat(*, user_id: int) -> None:
    assistant = open_assistant()
    _build_index_in_background(assistant)
    try:
        _chat_session(assistant, user_id)
    finally:
        assistant.knowledge.stop_build(timeout=STOP_BUILD_SECONDS)


def _chat_session(assistant: Assistant, user_id: int) -> None:
    from bot.terminal import TerminalChat, render_plain

    session = TerminalChat(assistant, acting_user(assistant, user_id))
    if not sys.stdin.isatty():
        session.run(sys.stdin, click.echo)
        return
    click.echo("大客户经理助手 · KAM Assistant — type a message, a button number, or Ctrl+D to quit.")
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if line.strip():
            click.echo(render_plain(session.send(line)))


def _build_index_in_background(assistant: Assistant) -> None:
    if assistant.build_index_if_missing():
        click.echo(f"No knowledge index yet: building it from {assistant.settings.knowledge_dir} in the background. "
                   "Everything works meanwhile; playbook questions say how far the build is.", err=True)


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
def route(text: str, as_json: bool) -> None:
    """Explain which skill would take TEXT, with each skill's score and reason."""
    assistant = open_assistant()
    request = assistant.request(assistant.local_operator(), text)
    chosen, ranking = assistant.router.choose(request)
    if as_json:
        print_json({"chosen": chosen, "ranking": ranking})
        return
    click.echo(f"chosen: {chosen or '(ask the user)'}")
    for entry in ranking:
        click.echo(f"  {entry.score:.2f}  {entry.skill:<12} {entry.reason}")


@main.command()
@click.option("--background-index", is_flag=True,
              help="With no index yet, leave building it to `kam run`/`kam chat`, which do it in the background.")
def prepare(background_index: bool) -> None:
    """Get a fresh install ready: build or refresh the knowledge index, load sample customers."""
    settings = settings_or_exit()
    assistant = open_assistant()
    if background_index and not assistant.knowledge.is_ready():
        click.echo("no knowledge index yet: `kam run` / `kam chat` build it in the background", err=True)
    else:
        run_ingest(settings, [], rebuild=False, replace=False)
    ensure_sample_customers(assistant)


@main.group("eval")
def evaluation() -> None:
    """Score the product on evaluation files."""


evaluation.add_command(eval_kb)
evaluation.add_command(eval_notes)
evaluation.add_command(eval_dates)
evaluation.add_command(eval_opps)
evaluation.add_command(eval_kams)
main.add_command(customers)
main.add_command(users)
main.add_command(customer)
main.add_command(note)
main.add_command(opps)
main.add_command(contracts)
main.add_command(cases)
main.add_command(followups_command)
main.add_command(remind_command)
main.add_command(transcribe)
main.add_command(doctor)
main.add_command(ingest)
main.add_command(ask)
main.add_command(kb)
main.add_command(pricing)
main.add_command(quote_command(lambda: open_assistant().customers))
