"""👍/👎 priors per passage: a small, bounded re-ranking among the passages that already support an answer.

The prior of a passage shrinks its net votes towards zero: `(up - down) / (up + down + STRENGTH)`, so
one vote moves it by 1/6 and it stays inside (-1, 1). The bonus multiplies the fused rank score by
`1 + MAX_BONUS × prior` (at most ±5 %: about three places among the top five when every leg agrees,
less than one for a single vote). Only the order of the hits whose support reaches the threshold
changes, and among themselves only: a hit below the threshold keeps its place and its support, so a
prior can never surface an unsupported passage, turn a refusal into an answer or the reverse.

The knowledge engine never reads votes itself: the composition root counts them (`crm.answers`)
and sets a `PassagePriors` on the `KnowledgeBase`, replacing it when a vote arrives.
"""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.documents import Hit

STRENGTH = 5.0  # pseudo-votes at zero: how many votes it takes to move a prior half way
MAX_BONUS = 0.05  # the largest share of the fused score a prior adds or takes away


def shrunk_prior(up: float, down: float, *, strength: float = STRENGTH) -> float:
    """Net votes shrunk towards zero, in (-1, 1): 0 with no votes, 1/6 for a single 👍 at strength 5."""
    return (up - down) / (up + down + strength)


class PassagePriors:
    """Per-passage priors from vote counts (chunk id -> (👍, 👎)); immutable once built."""

    def __init__(
        self,
        votes: Mapping[str, tuple[float, float]] | None = None,
        *,
        strength: float = STRENGTH,
        max_bonus: float = MAX_BONUS,
    ):
        if strength <= 0 or not 0 <= max_bonus < 1:
            raise ValueError("strength must be positive and max_bonus within [0, 1)")
        self.max_bonus = max_bonus
        self._priors = {
            chunk_id: shrunk_prior(up, down, strength=strength) for chunk_id, (up, down) in (votes or {}).items()
        }

    def __len__(self) -> int:
        return len(self._priors)

    def prior(self, chunk_id: str) -> float:
        """The passage's prior in (-1, 1); 0 without votes."""
        return self._priors.get(chunk_id, 0.0)

    def factor(self, chunk_id: str) -> float:
        """What the passage's fused score is multiplied by: within 1 ± MAX_BONUS."""
        return 1.0 + self.max_bonus * self.prior(chunk_id)

    def rerank(self, hits: list[Hit], threshold: float) -> list[Hit]:
        """`hits` with the supported ones reordered by their adjusted score, in the slots they held.

        Unsupported hits keep their positions; no hit's support or score is changed.
        """
        supported = [position for position, hit in enumerate(hits) if hit.support >= threshold]
        if len(supported) < 2 or not self._priors:
            return hits
        ordered = sorted(
            (hits[position] for position in supported),
            key=lambda hit: -hit.score * self.factor(hit.chunk_id),
        )  # a stable sort: equal adjusted scores keep the search's order
        reranked = list(hits)
        for position, hit in zip(supported, ordered, strict=True):
            reranked[position] = hit
        return reranked
