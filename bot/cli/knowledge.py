"""`kam ingest`, `kam ask`, `kam eval kb` (and `--fit`): the knowledge base from the command line."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

import click
from pydantic import ValidationError
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bot.assistant import knowledge_vocabulary, make_knowledge_base
from bot.cli.common import configure_logging, print_json, settings_or_exit
from bot.settings import Settings
from crm.answers import AnswerLog
from crm.customers import CustomerRepository
from crm.pricing import PriceBookError, load_price_book
from crm.store import Store
from knowledge import (
    Answer,
    EmbedderError,
    EvalItem,
    IndexNotFound,
    IngestProgress,
    IngestReport,
    KnowledgeBase,
    QueryTooLong,
    SparseEmbedder,
    evaluate,
    load_items,
)
from knowledge.calibration import collect_examples, fit_support, near_duplicates, save_support_models
from knowledge.feedback import PassagePriors
from knowledge.search import SUPPORT_MODEL_FILE, load_support_models

STAGES = {"read": "Reading files", "embed": "Embedding", "sparse": "Embedding passages (dense + sparse)",
          "questions": "Embedding the sections' questions", "index": "Indexing", "write": "Writing index"}


def open_knowledge_base(settings: Settings, *, use_cache: bool = True) -> KnowledgeBase:
    """The configured knowledge base (with the embedding cache unless told not to), or a one-line CLI error.

    Like the bot's, its word segmenter keeps the customers' and the products' names whole, so what the
    CLI indexes, answers and scores is what the bot does.
    """
    try:
        knowledge = make_knowledge_base(settings, use_cache=use_cache)
    except EmbedderError as error:
        raise click.ClickException(str(error)) from None
    knowledge.add_user_words(_vocabulary(settings))
    return knowledge


def _vocabulary(settings: Settings) -> list[str]:
    """The bot's vocabulary (`knowledge_vocabulary`); without the products when the price book is invalid."""
    try:
        price_book = load_price_book(settings.pricing_file)
    except PriceBookError as error:
        click.echo(f"the price book's product names are left out of word segmentation: {error}", err=True)
        price_book = None
    with closing(Store.open(settings.database_path)) as store:
        return knowledge_vocabulary(CustomerRepository(store), price_book)


def ready_knowledge_base(settings: Settings) -> KnowledgeBase:
    """The knowledge base, indexing the configured folder first when no index exists yet."""
    knowledge = open_knowledge_base(settings)
    if not knowledge.is_ready():
        click.echo(f"no knowledge index yet: indexing {settings.knowledge_dir} first (one time)", err=True)
        run_ingest(settings, [], rebuild=False, replace=False, quiet=True)
        knowledge = open_knowledge_base(settings)
    return knowledge


def run_ingest(settings: Settings, paths: list[Path], *, rebuild: bool, replace: bool, quiet: bool = False,
               use_cache: bool = True) -> None:
    """Ingest with a progress bar and time left on stderr and print what happened to the index."""
    knowledge = open_knowledge_base(settings, use_cache=use_cache)
    tasks: dict[str, int] = {}
    interactive = sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("eta"), TimeRemainingColumn(), console=None, transient=True, disable=quiet or not interactive) as bar:
        lines = PlainProgress(quiet=quiet or interactive)

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total or 1)
            bar.update(tasks[stage], completed=done, total=total or 1)
            lines.update(overall)

        overall = IngestProgress(sparse=isinstance(knowledge.embedder, SparseEmbedder), then=progress)
        report = knowledge.ingest(paths or [settings.knowledge_dir], rebuild=rebuild, add=not replace,
                                  progress=overall)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    click.echo(describe_ingest(report, settings.index_dir), err=quiet)


class PlainProgress:
    """For a log or a pipe (no progress bar): one line per tenth of the ingest, with the time left."""

    def __init__(self, *, quiet: bool):
        self.quiet = quiet
        self.shown = 0

    def update(self, overall: IngestProgress) -> None:
        """Print a line when the ingest has passed another tenth."""
        if self.quiet or overall.percent < self.shown + 10:
            return
        self.shown = overall.percent // 10 * 10
        left = overall.seconds_left()
        click.echo(f"indexing: {overall.percent}% done" + (f", about {left:.0f} s left" if left is not None else ""),
                   err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def describe_ingest(report: IngestReport, index_dir: Path) -> str:
    """One line saying exactly what an ingest did to the index."""
    holds = f"the index now holds {_count(report.files_total, 'file')}, {_count(report.chunks_total, 'passage')}"
    if report.files_read == 0:
        return f"nothing readable: the index is unchanged; it holds {_count(report.files_total, 'file')}, " \
               f"{_count(report.chunks_total, 'passage')} → {index_dir}"
    if report.unchanged:
        return f"index unchanged (read {_count(report.files_read, 'file')}, nothing new); {holds} → {index_dir}"
    done = []
    if report.added:
        done.append(f"added {_count(len(report.added), 'file')}")
    if report.refreshed:
        done.append(f"re-read {_count(len(report.refreshed), 'file')} already indexed")
    what = " and ".join(done) + f" ({_count(report.chunks_read, 'passage')})"
    if report.replaced:
        dropped = f", dropped {_count(len(report.dropped), 'file')} not given" if report.dropped else ""
        what = f"replaced the index: {what}{dropped}"
    cached = f", {_count(report.vectors_cached, 'vector')} from the embedding cache" if report.vectors_cached else ""
    return (f"{what}; {holds} ({report.chunks_new} embedded, {report.chunks_reused} reused{cached}) "
            f"in {report.seconds:.1f}s → {index_dir}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="Make the index hold exactly PATHS, dropping every other file indexed before.")
@click.option("--rebuild", is_flag=True,
              help="Build the index anew instead of reusing its stored vectors (the embedding cache still serves).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor fill the embedding cache (KAM_EMBEDDING_CACHE_DIR); with --rebuild: re-embed all.")
def ingest(paths: tuple[Path, ...], replace: bool, rebuild: bool, no_cache: bool) -> None:
    """Add PATHS (files or folders; default: the configured knowledge folder) to the knowledge index.

    Files already indexed under the same name are read again; every other indexed file is kept
    unless --replace is given.
    """
    settings = settings_or_exit()
    configure_logging(settings)
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise click.ClickException(f"not found: {', '.join(missing)}")
    run_ingest(settings, list(paths), rebuild=rebuild, replace=replace, use_cache=not no_cache)


def _answer_json(answer: Answer) -> dict:
    return {
        "answered": answer.answered,
        "not_stated": answer.not_stated,
        "answer": answer.text,
        "sources": [
            {"title": source.title, "section": source.section, "source": source.source,
             "score": round(source.score, 4), "text": source.text}
            for source in answer.sources
        ],
    }


@click.command()
@click.argument("question", required=False)
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSONL file of {"id", "q"} lines.')
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one line per question with --batch).")
@click.option("--k", default=5, show_default=True, help="Passages to consider.")
def ask(question: str | None, batch: Path | None, as_json: bool, k: int) -> None:
    """Answer QUESTION from the knowledge base, with sources."""
    if bool(question) == bool(batch):
        raise click.UsageError("give either a QUESTION or --batch FILE")
    settings = settings_or_exit()
    configure_logging(settings)
    knowledge = ready_knowledge_base(settings)
    try:
        if batch:
            for line_number, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    item_id, text = item["id"], item["q"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise click.ClickException(f"{batch}:{line_number}: expected a JSON object with id and q") from None
                print_json({"id": item_id, **_answer_json(knowledge.answer(text, k=k))})
            return
        answer = knowledge.answer(question or "", k=k)
    except IndexNotFound:
        raise click.ClickException("the knowledge index is not built yet: run `kam ingest`") from None
    except QueryTooLong as error:
        raise click.ClickException(f"the question is {error.length} characters long; the limit is {error.limit}") from None
    if as_json:
        print_json(_answer_json(answer))
        return
    if not answer.answered and not answer.not_stated:
        click.echo("知识库里没有相关内容。The knowledge base has nothing on this.")
        return
    click.echo(answer.text)
    for source in answer.sources:
        click.echo(f"  📄 {source.citation}  ({source.source}, score {source.score:.3f})")


@click.command("kb")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the per-item results as JSON.")
@click.option("--fit", is_flag=True, help="Refit the support model (answer or refuse) from PATHS, calibration sets.")
@click.option("--heldout", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --fit: refuse to fit while PATHS have near-duplicates of these sets (repeatable).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=SUPPORT_MODEL_FILE, show_default=True,
              help="With --fit: where to write the fitted models.")
@click.option("--feedback", is_flag=True, help="Rank with the 👍/👎 priors recorded in the database, as the bot does.")
def eval_kb(paths: tuple[Path, ...], as_json: bool, fit: bool, heldout: tuple[Path, ...], out: Path, feedback: bool) -> None:
    """Score the knowledge base on question files (format of kb_dev.jsonl), or refit it with --fit."""
    settings = settings_or_exit()
    configure_logging(settings)
    items = [item for path in paths for item in _load_items_or_exit(path)]
    if fit:
        _check_overlaps(items, heldout)
        _fit(ready_knowledge_base(settings), paths, items, out)
        return
    knowledge = ready_knowledge_base(settings)
    if feedback:
        store = Store.open(settings.database_path)
        knowledge.priors = PassagePriors(AnswerLog(store).passage_votes())
        store.close()
        click.echo(f"ranking with the priors of {len(knowledge.priors)} voted passage(s)", err=True)
    try:
        report = evaluate(knowledge.answer, items)
    except IndexNotFound:
        raise click.ClickException("the knowledge index is not built yet: run `kam ingest`") from None
    except QueryTooLong as error:
        raise click.ClickException(f"the question is {error.length} characters long; the limit is {error.limit}") from None
    if as_json:
        print_json(report)
        return
    for result in report.results:
        mark = "PASS" if result.passed else "FAIL"
        kind = "refuse" if result.unanswerable else "answer"
        if result.passed:
            detail = "  (flagged not stated)" if result.not_stated else ""
        elif result.unanswerable:
            detail = "  (answered)"
        elif result.not_stated:
            detail = "  (flagged not stated)"
        elif not result.answered:
            detail = "  (refused)"
        else:
            detail = f"  missing {result.missing}" + ("; in the cited source" if result.source_passed else "")
        click.echo(f"{mark} {result.id} [{kind}] {result.q}{detail}")
    click.echo(
        f"answerable passed {report.answerable_passed}/{report.answerable} ({report.answer_rate:.0%}) on the answer text, "
        f"{report.answerable_source_passed}/{report.answerable} ({report.source_rate:.0%}) on the cited sources; "
        f"unanswerable refused or flagged {report.unanswerable_refused}/{report.unanswerable} ({report.refusal_rate:.0%}, "
        f"{report.unanswerable_flagged} flagged not stated)"
    )


def _load_items_or_exit(path: Path) -> list[EvalItem]:
    try:
        return load_items(path)
    except (json.JSONDecodeError, ValidationError) as error:
        raise click.ClickException(f"{path}: not a question set (JSONL with id, q, expect): {error}") from None


def _check_overlaps(items: list[EvalItem], heldout: tuple[Path, ...]) -> None:
    """A CLI error naming every calibration question that nearly repeats a held-out one."""
    overlaps = [pair for other in heldout for pair in near_duplicates(items, _load_items_or_exit(other))]
    if overlaps:
        lines = [f"  {item.id} {item.q!r} ~ {other.id} {other.q!r} ({ratio:.2f})" for item, other, ratio in overlaps]
        raise click.ClickException(
            f"the calibration sets have {len(overlaps)} near-duplicate(s) of held-out questions; remove them first:\n"
            + "\n".join(lines)
        )


def _fit(knowledge: KnowledgeBase, paths: tuple[Path, ...], items: list[EvalItem], out: Path) -> None:
    """Refit both support models from calibration sets, print them and write them to `out`."""
    names = " ".join(path.name for path in paths)
    try:
        collected = collect_examples(knowledge, items)
    except IndexNotFound:
        raise click.ClickException("the knowledge index is not built yet: run `kam ingest`") from None
    models = {}
    for name, examples in collected.items():
        if not examples:
            continue
        try:
            result = fit_support(examples, with_sparse=name == "with_sparse")
        except ValueError as error:
            raise click.ClickException(f"{names}: {error}") from None
        models[name] = result.model
        weights = ", ".join(f"{key}={value:g}" for key, value in asdict(result.model).items())
        click.echo(f"{name}: {weights}")
        click.echo(
            f"  on {names}: answer passage reaches the threshold {result.answerable_kept}/{result.answerable}, "
            f"unanswerable kept below it {result.unanswerable_refused}/{result.unanswerable}"
        )
    previous = load_support_models(out) if out.exists() else {}
    save_support_models(out, {**previous, **models}, note=f"fitted by `kam eval kb --fit {names}`")
    click.echo(f"wrote {out} (restart the bot to use it)")
