"""Partial dates: a year, a month or a day, with the precision kept.

>>> d = parse_date("2015-08")
>>> d.precision, d.first_day().isoformat(), d.last_day().isoformat()
('month', '2015-08-01', '2015-08-31')
>>> parse_date(2009).rdf_datatype_name
'gYear'
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATATYPES = {"year": "gYear", "month": "gYearMonth", "day": "date"}


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def rdf_datatype_name(self) -> str:
        return _DATATYPES[self.precision]

    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date:
        if self.day:
            return _dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return _dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


def parse_date(value: object) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (also as YAML ints and dates).

    Raises ``ValueError`` with a message naming the bad value.
    """
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    m = _PATTERN.match(value.strip())
    if not m:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"date {value!r} has month {month} (must be 01-12)")
    if day is not None:
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"date {value!r} is not a day of the calendar") from None
    return PartialDate(year, month, day)
