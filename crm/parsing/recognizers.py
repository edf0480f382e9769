"""Microsoft Recognizers-Text models, built once per process and reused.

The `recognize_*` helpers rebuild a model on every call (~13 ms each); a built model parses a
sentence in well under a millisecond, so every caller goes through these cached getters.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from recognizers_text import Culture

CHINESE = Culture.Chinese
ENGLISH = Culture.English


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


_SAMPLES = {
    CHINESE: ("比友商贵了百分之十五 要我们打八五折 便宜两成 降价15%", "农历正月十五 下半年 这两天 明天下午三点"),
    ENGLISH: ("wants 10% off, a 15 percent discount", "by Christmas, the day after, next Tuesday 3pm"),
}


def warm_up() -> None:
    """Build every model and compile its expressions now (a few seconds), not on a rep's first note."""
    reference = datetime(2026, 1, 1, 9, 0)
    for culture, (percentages, dates) in _SAMPLES.items():
        percentage_model(culture).parse(percentages)
        datetime_model(culture).parse(dates, reference)
