"""The sales pipeline: ordered stages with a default win probability and zh/en labels.

`load_pipeline(path)` reads `data/pipeline.yaml` (a company edits it) and validates it; any problem
raises `PipelineError` whose lines each read `file:line: stages[2].probability: why`. The YAML
reader with line numbers is the price book's (`crm.pricing.book`), so both files report alike.
`DEFAULT_PIPELINE` is the shipped file's content, used where no file is configured.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crm.pricing.book import Problem, _problem_from_pydantic, _read_yaml

WON, LOST = "won", "lost"
STANDARD_STAGES = ("lead", "qualified", "proposal", "negotiation", WON, LOST)


class PipelineError(Exception):
    """The pipeline file cannot be used; `problems` lists every reason with its line."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.describe(source) for problem in problems))


class StageNotFound(LookupError):
    """No stage of the pipeline has that name."""


class Stage(BaseModel):
    """One stage: its name, the default probability (percent) of an opportunity in it, its labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    probability: int = Field(ge=0, le=100)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("name", mode="before")
    @classmethod
    def _plain_name(cls, value: object) -> object:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z_]{0,23}", value):
            raise ValueError(f"a stage name is lower-case letters and _ (like negotiation), not {value!r}")
        return value

    @field_validator("probability", mode="before")
    @classmethod
    def _whole_percent(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole percent from 0 to 100, not {value!r}")
        return value

    @property
    def is_open(self) -> bool:
        """Not yet won or lost."""
        return self.name not in (WON, LOST)

    def label(self, language: str) -> str:
        """The stage's name in `language`."""
        return self.zh if language == "zh" else self.en


class Pipeline(BaseModel):
    """The stages in order; `won` and `lost` close an opportunity, the others are open."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: list[Stage] = Field(min_length=3)

    @field_validator("stages")
    @classmethod
    def _names(cls, stages: list[Stage]) -> list[Stage]:
        names = [stage.name for stage in stages]
        missing = [name for name in (WON, LOST) if name not in names]
        if missing:
            raise ValueError(f"{' and '.join(missing)} must be stages (they close an opportunity)")
        if not any(stage.is_open for stage in stages):
            raise ValueError("at least one open stage (such as lead) is required")
        return stages

    def get(self, name: str) -> Stage:
        """The stage called `name`, or StageNotFound."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise StageNotFound(name)

    def label_of(self, name: str, language: str) -> str:
        """The stage's label in `language`, or its stored name when the pipeline no longer has it."""
        return self.get(name).label(language) if self.has(name) else name

    def has(self, name: str | None) -> bool:
        """Whether a stage of that name exists."""
        return any(stage.name == name for stage in self.stages)

    @property
    def first(self) -> Stage:
        """Where a new opportunity starts unless told otherwise."""
        return next(stage for stage in self.stages if stage.is_open)

    @property
    def names(self) -> list[str]:
        """Stage names in order."""
        return [stage.name for stage in self.stages]

    def rank(self, name: str) -> int:
        """The stage's position, for sorting; unknown stages sort last."""
        names = self.names
        return names.index(name) if name in names else len(names)


DEFAULT_PIPELINE = Pipeline(
    stages=[
        Stage(name="lead", probability=10, zh="线索", en="Lead"),
        Stage(name="qualified", probability=25, zh="已确认需求", en="Qualified"),
        Stage(name="proposal", probability=50, zh="方案/报价", en="Proposal"),
        Stage(name="negotiation", probability=75, zh="谈判", en="Negotiation"),
        Stage(name=WON, probability=100, zh="赢单", en="Won"),
        Stage(name=LOST, probability=0, zh="丢单", en="Lost"),
    ]
)


def load_pipeline(path: Path) -> Pipeline:
    """Read and validate a pipeline file; PipelineError names every problem with its line."""
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PipelineError(source, [Problem(line=None, path="", message=f"cannot read the file: {error.strerror}")]) from None
    return parse_pipeline(text, source=source)


def parse_pipeline(text: str, *, source: str = "pipeline.yaml") -> Pipeline:
    """Validate pipeline YAML given as text."""
    data, lines, problems = _read_yaml(text)
    if problems:
        raise PipelineError(source, problems)
    if not isinstance(data, dict):
        raise PipelineError(source, [Problem(line=1, path="", message="expected a mapping with a `stages:` list")])
    stages = data.get("stages")
    seen: set[str] = set()
    for position, stage in enumerate(stages if isinstance(stages, list) else []):
        name = stage.get("name") if isinstance(stage, dict) else None
        if isinstance(name, str) and name in seen:
            line = lines.get(("stages", position, "name"))
            problems.append(Problem(line=line, path=f"stages[{position}].name", message=f"the stage {name!r} appears twice"))
        seen.add(name)  # type: ignore[arg-type]
    if problems:
        raise PipelineError(source, problems)
    try:
        return Pipeline.model_validate(data)
    except ValidationError as error:
        raise PipelineError(source, [_problem_from_pydantic(entry, lines) for entry in error.errors()]) from None
