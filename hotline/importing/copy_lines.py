"""Rows of a hotline file as lines of PostgreSQL COPY text, fast.

`CopyLineParser.line()` gives the same result as `RowParser.parse()` followed by
`format_line()`, at a third of the cost: the values that repeat (names, categories,
satisfaction, department matches, calendar days, clock times) are worked out once per
distinct value and then looked up, and canonical export times (`2021-03-05 14:22:10`) go
into the COPY text as they are instead of through datetime objects. Anything unusual (a
non-canonical time, a ticket number that needs cleaning, a bad value) goes through
`RowParser.parse()` itself, so the two paths cannot disagree on what a row means, and a
rejected row gets the parser's message. tests/hotline/test_copy_lines.py checks both
paths give the same text for every value form of the contract.

No Django imports: runs in the importer's producer thread.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from .parsing import (
    RowError,
    RowParser,
    _cell_text,
    _name,
    _normalize_category,
    caller_hash,
    parse_satisfaction,
    parse_time,
)

# Asia/Shanghai as a fixed UTC+8 offset: China has kept UTC+8 without daylight saving since
# 1992, and isoformat() of a fixed-offset datetime is 7x faster than with a ZoneInfo.
CHINA: Final = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
SATISFACTION_CODES: Final = {"satisfied": 1, "basic": 2, "dissatisfied": 3, None: None}
NULL: Final = "\\N"
# COPY text escaping. NUL cannot occur in parsed cells (the CSV reader refuses it, XML
# cannot hold it), so it serves as the field separator inside the joined text columns.
_COPY_ESCAPE: Final = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\t"}
)
# The caches are per file; a column of unique values (a free-text town, say) must not
# make them grow with the file.
_CACHE_LIMIT: Final = 100_000


def local_day(value: dt.datetime) -> dt.date:
    return (value if value.tzinfo is CHINA else value.astimezone(CHINA)).date()


def _texts(ticket, department, request_type, category, district, town, status, content) -> str:
    texts = (
        f"{ticket}\t{department}\t{request_type}\t{category}\t"
        f"{district}\t{town}\t{status}\t{content}"
    )
    # Escaping is rarely needed: four substring tests are 20x cheaper than translate() on
    # every row of Chinese text.
    if "\\" in texts or "\n" in texts or "\r" in texts or texts.count("\t") != 7:
        texts = "\x00".join(
            (ticket, department, request_type, category, district, town, status, content)
        ).translate(_COPY_ESCAPE)
    return texts


def format_line(batch_id: int, number: int, row, department_id: int | None) -> str:
    """A parsed row as one COPY text line of the staging table (see importer)."""
    received = row.received_at
    closed = row.closed_at
    satisfaction = SATISFACTION_CODES[row.satisfaction]
    texts = _texts(
        row.ticket_no, row.department_name, row.request_type, row.category,
        row.district, row.town, row.status, row.content,
    )  # fmt: skip
    return (
        f"{batch_id}\t{number}\t{received.isoformat(' ')}\t{local_day(received).isoformat()}\t"
        f"{NULL if department_id is None else department_id}\t"
        f"{NULL if closed is None else closed.isoformat(' ')}\t"
        f"{NULL if satisfaction is None else satisfaction}\t"
        f"{row.caller_hash or NULL}\t{texts}\n"
    )


def _valid_day(text: str) -> bool:
    """`YYYY-MM-DD` naming a real calendar day."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isascii() and year.isdigit() and month.isdigit() and day.isdigit()):
        return False
    if not (month.isascii() and day.isascii()):
        return False
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _valid_clock(text: str) -> bool:
    """`HH:MM` or `HH:MM:SS`, two ASCII digits each, within a day."""
    if len(text) not in (5, 8) or text[2] != ":" or (len(text) == 8 and text[5] != ":"):
        return False
    parts = text.split(":")
    if not all(len(p) == 2 and p.isascii() and p.isdigit() for p in parts):
        return False
    return int(parts[0]) < 24 and int(parts[1]) < 60 and (len(parts) == 2 or int(parts[2]) < 60)


_DATE_ONLY: Final = re.compile(r"\d{4}(?:[-/.]|年)\d\d?(?:[-/.]|月)\d\d?日?")
_CLOCK: Final = re.compile(r"(\d\d?):(\d\d?)(?::(\d\d?))?")


def _date_only(text: str) -> str | None:
    """`YYYY-MM-DD` for a date written without a time in a form parse_time accepts."""
    if not _DATE_ONLY.fullmatch(text):
        return None
    try:
        return parse_time(text, CHINA).date().isoformat()
    except RowError:
        return None


def _clock(text: str) -> str | None:
    """`HH:MM:SS` for `H:MM` or `H:MM:SS` within a day."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def _category(value: str) -> str:
    text = _cell_text(value)
    return _normalize_category(text) if text else ""


class _Memo(dict):
    """A value worked out once per distinct key and then looked up (a plain dict lookup on
    a hit). Per file, and emptied when it reaches _CACHE_LIMIT keys, so a column of unique
    values (a free-text town, say) cannot make it grow with the file. An exception from
    `compute` (RowError) reaches the caller and nothing is stored."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        value = self[key] = self._compute(key)
        return value


class CopyLineParser(RowParser):
    """A RowParser that writes COPY lines directly; see the module docstring."""

    def __init__(
        self,
        header_map,
        *,
        departments: Mapping[str, int],
        batch_id: int,
        satisfaction_map: Mapping[str, str | None],
        phone_secret: bytes | None,
    ) -> None:
        super().__init__(
            header_map,
            satisfaction_map=satisfaction_map,
            phone_secret=phone_secret,
            tz=CHINA,
        )
        self._departments = departments
        self._prefix = f"{batch_id}\t"
        self._batch_id = batch_id
        self._days = _Memo(_valid_day)
        self._clocks = _Memo(_valid_clock)
        self._dates = _Memo(_date_only)
        self._clock_texts = _Memo(_clock)
        self._names = _Memo(_name)
        self._categories = _Memo(_category)
        self._department_of = _Memo(self._match)
        self._ratings = _Memo(self._rating)

    def _match(self, raw: str) -> tuple[str, int | None]:
        name = _name(raw)
        return name, self._departments.get(name)

    def _rating(self, raw: str) -> str:
        code = SATISFACTION_CODES[parse_satisfaction(raw, self._satisfaction_map)]
        return NULL if code is None else str(code)

    def department_id(self, name: str) -> int | None:
        return self._departments.get(name)

    def slow_line(self, number: int, cells: Sequence[Any]) -> str:
        """The reference path: parse, then format. Raises RowError."""
        row = self.parse(cells)
        return format_line(self._batch_id, number, row, self.department_id(row.department_name))

    def _time(self, value: str) -> tuple[str, str] | None:
        """(timestamp text with the +08:00 offset, day) for a canonical export time, None
        for anything else."""
        n = len(value)
        if n == 19 or n == 16:
            day = value[:10]
            if value[10] != " " or not (self._days[day] and self._clocks[value[11:]]):
                return None
            return (f"{value}+08:00" if n == 19 else f"{value}:00+08:00"), day
        if n == 10:
            return (f"{value} 00:00:00+08:00", value) if self._days[value] else None
        return None

    def _any_time(self, value: str) -> tuple[str, str]:
        fast = self._time(value) or self._local_time(value)
        if fast is not None:
            return fast
        parsed = parse_time(value, CHINA)  # raises RowError
        return parsed.isoformat(" "), local_day(parsed).isoformat()

    def _local_time(self, value: str) -> tuple[str, str] | None:
        """`<date> <H:MM[:SS]>` in any date form of the contract: what Excel writes when it
        saves date cells as CSV (`2021/3/5 14:22`). The date part and the clock part are
        each worked out once (the date through parse_time itself), then looked up."""
        date_text, _, clock_text = value.partition(" ")
        day = self._dates[date_text]
        clock = day and self._clock_texts[clock_text]
        return (f"{day} {clock}+08:00", day) if clock else None

    def line(self, number: int, cells: Sequence[Any]) -> str:
        """One COPY line for a row of text cells (CSV). Raises RowError."""
        if len(cells) < self._width:
            cells = [*cells, *self._padding[len(cells) :]]
        if self._append_blank:
            cells = [*cells, ""]
        (
            ticket, received_raw, department_raw, request_type, category, district,
            town, status, closed_raw, rating_raw, content, phone,
        ) = self._pick(cells)  # fmt: skip

        # Ticket numbers that need no cleaning: ASCII letters and digits, not a number
        # Excel may have mangled ("2.02E+12", "123.0").
        if not (
            ticket.isascii()
            and ticket.isalnum()
            and len(ticket) <= 64
            and (ticket.isdigit() or not ticket[0].isdigit())
        ):
            return self.slow_line(number, cells)
        try:
            if received_raw:
                received, day = self._any_time(received_raw)
            else:
                return self.slow_line(number, cells)
            if closed_raw:
                closed, _ = self._any_time(closed_raw)
            else:
                closed = NULL
        except RowError:
            return self.slow_line(number, cells)

        department, department_id = self._department_of[department_raw]
        if not department:
            return self.slow_line(number, cells)
        try:
            rating = self._ratings[rating_raw]
        except RowError:
            return self.slow_line(number, cells)

        hashed = caller_hash(phone, self._phone_secret) if self._phone_secret else None
        names = self._names
        texts = _texts(
            ticket, department, names[request_type], self._categories[category],
            names[district], names[town], names[status], content.strip(),
        )  # fmt: skip
        return (
            f"{self._prefix}{number}\t{received}\t{day}\t"
            f"{NULL if department_id is None else department_id}\t{closed}\t{rating}\t"
            f"{hashed or NULL}\t{texts}\n"
        )
