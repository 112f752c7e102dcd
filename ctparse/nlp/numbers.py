"""Numbers as criteria write them: ``1,500``, ``50.000`` (European thousands),
``1.5``, ``.5``, number words (``three``, ``twenty-four``), Roman numerals for
ordinal classes (``NYHA III``) and the scientific multipliers of cell counts
(``× 10^9``, ``x 10(9)``, ``*10^9``, ``10⁹`` and the flattened ``109``).

Only patterns and pure parsing live here; which number is a limit is decided
in :mod:`ctparse.nlp.extract`.
"""

from __future__ import annotations

import re

WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_SIMPLE = "|".join(sorted((w for w in WORDS if w not in _TENS.split("|")), key=len, reverse=True))
WORD_NUMBER = rf"(?i:(?:{_TENS})(?:[- ](?:{_UNITS}))?|(?:{_SIMPLE}))"

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
# The Roman numerals of Unicode ("ASA GradeⅠ－II"), one character each, also glued to
# the word before them.
UNICODE_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6}
ROMAN_NUMBER = r"(?:VI|IV|V|I{1,3})(?![A-Za-z])"
UNICODE_ROMAN_NUMBER = rf"[{''.join(UNICODE_ROMAN)}](?![A-Za-z])"
ROMAN |= UNICODE_ROMAN

# Digits: thousands with commas (1,500 / 100,000), European thousands with dots
# (50.000, decided against the unit later), decimals with a dot or, before a
# unit or after a comparator symbol, with a comma (1,5 mg/dL, BMI ≥18,5), and a
# bare leading dot (.5).
DIGITS = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?=\s?/)"
    r"|\d+,\d{1,2}(?=\s?(?:mg|g/|mmol|µmol|μmol|umol|x|×|\*|%))"
    r"|(?:(?<=[≤≥<>])|(?<=[≤≥<>]\s))\d+,\d{1,2}(?![\d,])"
    r"|\d+(?:\.\d+)?"
    r"|\.\d+)"
)
# A number glued to the word before it is no number ("ECOG2" is a name), except after
# the connector of a range: "18 to75 years", "between 18 and75".
_GLUED = r"(?<=(?<![A-Za-z])[Tt]o)|(?<=(?<![A-Za-z])[Aa]nd)"
NUMBER = rf"(?:(?:(?<![\w./^])|{_GLUED})(?:(?<=[≤≥<>=])[-−]|(?<=[≤≥<>=]\s)[-−])?(?:{DIGITS})(?!\d)|(?<![\w-])(?:{WORD_NUMBER})(?![\w-]))"

# Fullwidth punctuation of criteria written with a CJK input method ("BMI > 42，females …")
# read as its ASCII twin; one character for one, so offsets are kept.
_FULLWIDTH = str.maketrans("，；：（）％－～＞＜＝", ",;:()%-~><=")


def ascii_punctuation(text: str) -> str:
    """``text`` with fullwidth commas, semicolons, colons, parentheses, percent signs,
    hyphens, tildes and comparison signs as ASCII (same length).

    >>> ascii_punctuation("BMI > 42，females；")
    'BMI > 42,females;'
    """
    return text.translate(_FULLWIDTH)


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# "× 10^9", "x10(9)", "* 10^9", "×10⁹", "x 10e9", and "× 109" (superscript lost).
SCIENTIFIC = (
    r"(?:[x×X\*·]|times)\s*10\s*(?:\^|\*\*|e|E)?\s*\(?\s*"
    r"(?P<exp>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}|\d{1,2})\s*\)?"
)

_EUROPEAN_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def parse_number(text: str) -> float:
    """The value of one number as written.

    >>> parse_number("1,500"), parse_number("1,5"), parse_number("twenty-four")
    (1500.0, 1.5, 24.0)
    """
    raw = text.strip()
    lower = raw.lower()
    if lower in WORDS:
        return float(WORDS[lower])
    if raw in ROMAN:
        return float(ROMAN[raw])
    if raw[:1].isalpha():
        parts = re.split(r"[- ]", lower)
        return float(sum(WORDS.get(part, 0) for part in parts))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+", raw):
        return float(re.sub(r"\s", "", raw))
    return float(raw.replace("−", "-").replace(",", "."))


def european_thousands(text: str) -> float | None:
    """``50.000`` read as fifty thousand, for counts where a decimal makes no sense."""
    if _EUROPEAN_THOUSANDS.fullmatch(text.strip()):
        return float(text.strip().replace(".", ""))
    return None


def exponent(text: str) -> int:
    """The power of ten of a scientific multiplier: ``"9"``, ``"⁹"``, ``"12"``."""
    return int(text.translate(_SUPERSCRIPTS))


def is_word_number(text: str) -> bool:
    return text[:1].isalpha()


_WORDS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = frozenset(WORDS)
_ROMAN_WORD = re.compile(rf"(?<![A-Za-z])(?:I{{1,3}}|IV|VI?)(?![A-Za-z])|{UNICODE_ROMAN_NUMBER}")


def has_word_number(text: str) -> bool:
    """Whether a number is written in words ("three months", "twenty-one")."""
    return not _NUMBER_WORDS.isdisjoint(_WORDS.findall(text.lower()))


def may_hold_a_limit(text: str) -> bool:
    """The cheap test before the value grammar: a digit, a number in words, a roman
    numeral or a multiple of the normal limit ("ULN", "upper limit of normal")."""
    if _DIGIT.search(text) is not None:
        return True
    if "ULN" in text or "LLN" in text or "limit of normal" in text.lower():
        return True
    return has_word_number(text) or _ROMAN_WORD.search(text) is not None
