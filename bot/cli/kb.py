"""`kam kb list` / `kam kb remove NAME`: the knowledge folder's documents, as /kb shows them in the chat."""

from __future__ import annotations

import click

from bot.cli.common import configure_logging, print_json, settings_or_exit
from bot.cli.knowledge import open_knowledge_base
from knowledge.library import DocumentLibrary, DocumentNotFound, LastDocument, LibraryError, OutsideFolder


@click.group("kb")
def kb() -> None:
    """The knowledge base's documents (the knowledge folder and its index)."""


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
