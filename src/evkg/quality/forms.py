"""Which dates and numbers a source's text prints, read once per text, and the key of a stated value.

A page prints a date in many ways: ISO (``2025-08-28``), with slashes or dots (``2025/8/28``,
``2025.8.31``), in Japanese (``2025年8月28日``) or with its era (``令和6年7月31日``, ``平成26年8月``;
``元年`` for an era's first year), in English (``28 August 2025``, ``August 28, 2025``, ``Aug 2025``,
``2018 Nov 23``). :func:`printed_dates` reads them all from a folded text
(:func:`evkg.quality.archives.fold`) as ISO keys: a day gives its date and its month (``2025-08-28`` and
``2025-08``). :func:`printed_numbers` reads every number (thousands separators dropped: ``6,000`` is
``6000``) and every token with a digit (``e12404``, ``1373-1384``). A stated value is printed when its
:func:`date_key` or number is among them: each text is read once, however many values a graph states.

>>> sorted(printed_dates("令和6年7月31日付にて"))
['2024-07', '2024-07-31']
>>> date_key("2014-08", "gYearMonth") in printed_dates("平成26年8月吉日")
True
>>> {"13", "2", "e12404", "6000"} <= printed_numbers("2024;13(2):e12404 約6,000人")
True
"""

from __future__ import annotations

import re

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = {m.lower(): i for i, m in enumerate(MONTHS, 1)} | {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)}
_MONTH["sept"] = 9
_MONTH_NAME = r"(?P<mon>" + "|".join(sorted(_MONTH, key=len, reverse=True)) + r")\.?"

#: Japanese eras since 1926: name -> the Gregorian year of its first year.
ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926}

_PATTERNS = [
    # 2025-08-28, 2025/8/28, 2025.8.31, 2024-04
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<d>[0-9]{1,2}))?(?![0-9])"),
    # 2025年8月28日, 2001年(平成13)5月, 2014年8月
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4}) ?年(?: ?\([^)]{1,8}\))? ?(?P<m>[0-9]{1,2}) ?月(?: ?(?P<d>[0-9]{1,2}) ?日)?"),
    # 令和6年7月31日, 平成26年8月, 令和元年5月1日
    re.compile(
        r"(?P<era>令和|平成|昭和) ?(?P<ey>元|[0-9]{1,2}) ?年 ?(?P<m>[0-9]{1,2}) ?月(?: ?(?P<d>[0-9]{1,2}) ?日)?"
    ),
    # August 28, 2025 / Aug. 28 2025 / August 2025
    re.compile(r"(?<![A-Za-z])" + _MONTH_NAME + r" (?:(?P<d>[0-9]{1,2}),? )?(?P<y>[0-9]{4})(?![0-9])", re.IGNORECASE),
    # 28 August 2025 / 28 Aug 2025
    re.compile(r"(?<![0-9])(?P<d>[0-9]{1,2}) " + _MONTH_NAME + r",? (?P<y>[0-9]{4})(?![0-9])", re.IGNORECASE),
    # 2018 Nov 23 (PubMed) / 2018 Nov
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4}) " + _MONTH_NAME + r"(?: (?P<d>[0-9]{1,2}))?(?![0-9A-Za-z])", re.IGNORECASE),
]
#: What a text must contain for each pattern to match at all ("en": an English month name).
_NEEDS = ("", "年", "年", "en", "en", "en")
_ANY_MONTH = re.compile(r"(?<![A-Za-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|(?<![0-9])[0-9]+(?:\.[0-9]+)?(?![0-9])")
_TOKEN = re.compile(r"(?<![0-9A-Za-z.\-–])[0-9A-Za-z.\-–]*[0-9][0-9A-Za-z.\-–]*")


def printed_dates(text: str) -> set[str]:
    """Every date and month ``text`` prints, as ISO keys (``2025-08-28``, ``2025-08``)."""
    keys: set[str] = set()
    english = _ANY_MONTH.search(text) is not None
    for pattern, needs in zip(_PATTERNS, _NEEDS, strict=True):
        if (needs == "en" and not english) or (needs not in ("", "en") and needs not in text):
            continue  # a pattern that cannot match this text is not run over it
        for m in pattern.finditer(text):
            groups = m.groupdict()
            if groups.get("era"):
                n = 1 if groups["ey"] == "元" else int(groups["ey"])
                year = ERAS[groups["era"]] + n - 1
            else:
                year = int(groups["y"])
            month = _MONTH[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
            if not 1 <= month <= 12:
                continue
            keys.add(f"{year:04d}-{month:02d}")
            if groups.get("d") and 1 <= int(groups["d"]) <= 31:
                keys.add(f"{year:04d}-{month:02d}-{int(groups['d']):02d}")
    return keys


def printed_numbers(text: str) -> set[str]:
    """Every number ``text`` prints (``6,000`` read as ``6000``), and every token with a digit in it."""
    numbers = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    tokens = {t.strip(".-–") for t in _TOKEN.findall(text)}
    return numbers | tokens | {t.replace("–", "-") for t in tokens if "–" in t}


def date_key(lexical: str, kind: str) -> str:
    """The key of a stated date: ``2025-08-28`` (``date``, ``dateTime``), ``2025-08`` (``gYearMonth``), ``2025``."""
    value = lexical.strip()
    if kind in ("date", "dateTime"):
        return value[:10]
    if kind == "gYearMonth":
        return value[:7]
    return value[:4]


__all__ = ["ERAS", "MONTHS", "date_key", "printed_dates", "printed_numbers"]
