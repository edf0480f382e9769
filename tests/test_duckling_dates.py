"""benchmarks/duckling_dates.py keeps a corpus's single future moments a reminder can use."""

from __future__ import annotations

from benchmarks.duckling_dates import records

CORPUS = r'''
allExamples = concat
  [ examples (datetime (2013, 2, 12, 4, 30, 0) Second)
             [ "now"
             ]
  , examples (datetime (2013, 2, 13, 0, 0, 0) Day)
             [ "tomorrow"
             , "tmrw"
             ]
  , examples (datetime (2013, 2, 11, 0, 0, 0) Day)
             [ "yesterday"
             ]
  , examples (datetime (2013, 2, 12, 15, 15, 0) Minute)
             [ "a quarter past 3pm"
             , "say \"3:15\""
             ]
  , examples (datetimeInterval ((2013, 2, 15, 18, 0, 0), (2013, 2, 18, 0, 0, 0)) Hour)
             [ "this weekend"
             ]
  , examples (datetime (2013, 2, 18, 0, 0, 0) Week)
             [ "next week"
             ]
  , examples (datetimeHoliday (2013, 3, 8, 0, 0, 0) Day "妇女节")
             [ "妇女节"
             ]
  ]
'''


def test_single_future_moments_are_kept_with_their_grain() -> None:
    kept = records(CORPUS, "en")
    assert [(r["text"], r["expect"]) for r in kept] == [
        ("tomorrow", {"date": "2013-02-13", "time": None}),
        ("tmrw", {"date": "2013-02-13", "time": None}),
        ("a quarter past 3pm", {"date": "2013-02-12", "time": "15:15"}),
        ('say "3:15"', {"date": "2013-02-12", "time": "15:15"}),
        ("妇女节", {"date": "2013-03-08", "time": None}),
    ]  # not the second-grain "now", the past "yesterday", the interval or the week
    assert [r["family"] for r in kept][-1] == "en_datetimeHoliday_day"
    assert {r["now"] for r in kept} == {"2013-02-12T04:30:00-02:00"}
    assert len({r["id"] for r in kept}) == len(kept)
