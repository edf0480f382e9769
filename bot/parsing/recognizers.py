"""Microsoft Recognizers-Text models, built once per process and reused.

The `recognize_*` helpers rebuild a model on every call (~13 ms each); a built model parses a
sentence in well under a millisecond, so every caller goes through these cached getters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from recognizers_text import Culture


@cache
def percentage_model(culture: str) -> Any:
    """The percentage model (百分之十五, 八五折, 两成, 15 percent) for `culture`."""
    from recognizers_number import NumberRecognizer

    return NumberRecognizer(culture).get_percentage_model()


@cache
def datetime_model(culture: str) -> Any:
    """The date-time model for `culture`."""
    from recognizers_date_time import DateTimeRecognizer

    return DateTimeRecognizer(culture).get_datetime_model()


CHINESE = Culture.Chinese
ENGLISH = Culture.English
