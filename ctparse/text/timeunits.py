"""Time units: their ids, how registries write them, and their lengths.

The lengths in days are DESIGN.md's (week 7, month 30, year 365) and live in
``models/conversions.jsonl`` with the other conversions; what is here is the
vocabulary every stage shares.

>>> plural("month"), MONTHS_IN["year"], is_time("week")
('months', 12.0, True)
"""

from __future__ import annotations

import re

#: Unit ids, shortest first.
UNITS = ("minute", "hour", "day", "week", "month", "year")
#: Written forms of a period's unit (a regex alternation, longest first per unit).
FORMS = (
    "minutes|minute|mins|min|hours|hour|hrs|hr|h|days|day|d|weeks|week|wks|wk|"
    "months|month|mos|mo|years|year|yrs|yr|y"
)
#: A time word as a whole word ("weeks", "mos", "yrs").
WORD = r"(?:weeks?|months?|years?|days?|hours?|wks?|mos?|yrs?|hrs?)\b"
#: Calendar month names ("Jan", "September", "Sept.").
MONTH_NAMES = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: A unit's length in months (outcome time frames) and in years (ages).
MONTHS_IN = {"day": 1 / 30, "week": 7 / 30, "month": 1.0, "year": 12.0}
YEARS_IN = {"year": 1.0, "month": 1 / 12, "week": 7 / 365, "day": 1 / 365, "hour": 1 / 8760}
#: Units that convert exactly into a coarser one (12 months = 1 year, 52 weeks =
#: 1 year, 7 days = 1 week); other pairs are compared in days.
CALENDAR = {("month", "year"): 12, ("week", "year"): 52, ("day", "week"): 7}

_PERIOD = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(day|week|month|year)s?\b", re.IGNORECASE)


def is_time(unit: str | None) -> bool:
    """Whether a unit id is a time unit."""
    return unit in UNITS


def plural(unit: str | None) -> str | None:
    """The plural id of a time unit ("year" → "years", the canonical spelling of
    ages and times); any other unit unchanged."""
    return unit + "s" if unit in UNITS else unit


def periods_in_months(text: str) -> list[float]:
    """Every period written in ``text``, in months ("Up to 24 month" → [24.0])."""
    return [float(v) * MONTHS_IN[u.lower()] for v, u in _PERIOD.findall(text)]
