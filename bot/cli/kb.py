"""`kam kb …`: the knowledge folder's documents (`list`, `remove`, as /kb shows them in the chat) and
what is missing from it (`gaps`: what to write next)."""

from __future__ import annotations

import click

from bot.cli.common import configure_logging, open_assistant, print_json, settings_or_exit
from bot.cli.knowledge import open_knowledge_base
from crm.knowledge_gaps import MAX_DAYS, REPORT_DAYS
from knowledge.library import DocumentLibrary, DocumentNotFound, LastDocument, LibraryError, OutsideFolder


@click.group("kb")
def kb() -> None:
    """The knowledge base: its documents and what is missing from it."""


def _library() -> DocumentLibrary:
    settings = settings_or_exit()
    configure_logging(settings)
    return DocumentLibrary(settings.knowledge_dir, open_knowledge_base(settings))


@kb.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_documents(as_json: bool) -> None:
    """List the indexed documents: name, title, passages, when added."""
    documents = _library().documents()
    if as_json:
        print_json([{"name": document.name, "title": document.title, "passages": document.passages,
                     "added_at": document.added_at.isoformat(timespec="seconds") if document.added_at else None}
                    for document in documents])  # fmt: skip
        return
    if not documents:
        click.echo("the knowledge index holds no documents yet: run `kam ingest`")
        return
    for document in documents:
        added = document.added_at.strftime("%Y-%m-%d %H:%M UTC") if document.added_at else "not in the folder"
        click.echo(f"{document.name}\t{document.title}\t{document.passages} passages\t{added}")


@kb.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Delete document NAME from the knowledge folder and its passages from the index."""
    try:
        removed = _library().remove(name)
    except DocumentNotFound:
        raise click.ClickException(f"no document called {name!r}; `kam kb list` shows the names") from None
    except LastDocument as error:
        raise click.ClickException(f"{error.name} is the only document; add another one first") from None
    except OutsideFolder as error:
        raise click.ClickException(f"{error.name} was not removed: the index also holds documents outside the "
                                   f"knowledge folder ({', '.join(error.others)}); use `kam ingest --replace`") from None
    except LibraryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"removed {removed.name} ({removed.passages} passages); the index now holds "
               f"{removed.documents_total} documents, {removed.passages_total} passages")


@kb.command("gaps")
@click.option("--since", "days", type=click.IntRange(1, MAX_DAYS), default=REPORT_DAYS, show_default=True,
              metavar="DAYS", help="Look back this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (with the ids of the reps who asked).")
def gaps(days: int, as_json: bool) -> None:
    """Questions refused or voted 👎 in the last DAYS days, grouped by similarity, most frequent first."""
    report = open_assistant().gaps.report(days=days)
    if as_json:
        print_json(report)
        return
    click.echo(f"{report.total} question(s) refused or voted down in the last {days} day(s), "
               f"{len(report.groups)} group(s):")  # fmt: skip
    for number, group in enumerate(report.groups, start=1):
        reps = ", ".join(str(user_id) for user_id in group.user_ids)
        click.echo(f"{number:>3}. {group.count}x ({group.refused} refused, {group.downvoted} down; "
                   f"reps {reps}) {group.representative}")  # fmt: skip
        for example in group.examples:
            click.echo(f"       · {example}")
