"""Text and vocabulary normalization shared by the readers.

Every reader maps the registry's words onto the API v2 enums (``Phase 2`` →
``PHASE2``, ``Anticipated`` → ``ESTIMATED``, ``Both`` → ``ALL``) and its dates
onto ISO strings, so that studies read from different formats compare equal
field by field.

Examples::

    >>> phases("Phase 1/Phase 2")
    ('PHASE1', 'PHASE2')
    >>> iso_date("September 1, 2023 (Anticipated)")
    '2023-09-01'
    >>> unescape_markdown(r"ANC \\>= 1500/mm3")
    'ANC >= 1500/mm3'
    >>> repair_mojibake("PR: â‰¥30% decrease")
    'PR: ≥30% decrease'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

# ------------------------------------------------------------------ text


# A markdown backslash escape: a backslash before ASCII punctuation that
# CommonMark lets one escape. The API writes `\>`, `\<`, `\[`, `\]`, `\|`, `\&`,
# `\*`, `\~`, `\_` in criteria; a lone backslash before a letter or digit
# (a path, `\n` in prose) is kept.
_MD_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def unescape_markdown(text: str) -> str:
    """Remove markdown backslash escapes (``\\>`` → ``>``)."""
    return _MD_ESCAPE.sub(r"\1", text)


# UTF-8 read as cp1252 (or latin-1) and written back as UTF-8: a lead byte
# C2–F4 shown as Â…ô followed by continuation bytes 80–BF shown as cp1252
# characters (€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ and U+00A0–U+00BF).
_CONTINUATION = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")


def _undo(match: re.Match[str]) -> str:
    chunk = match.group(0)
    for codec in ("cp1252", "latin-1"):
        try:
            return chunk.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return chunk


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252 (``â‰¥`` → ``≥``, ``Ã©`` → ``é``).

    Only a run that re-encodes to one valid UTF-8 character is replaced, so
    ordinary accented text (``Âge``, ``café``) is left alone.
    """
    if not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE.sub(_undo, text)


def clean(text: str | None) -> str | None:
    """Strip, repair mojibake; empty → None. Inner whitespace is kept."""
    if text is None:
        return None
    text = repair_mojibake(text).strip()
    return text or None


def squash(text: str | None) -> str | None:
    """Like :func:`clean`, and collapse runs of whitespace to one space."""
    text = clean(text)
    return " ".join(text.split()) if text else None


def local_id(text: str) -> str:
    """A stable id for a record without an NCT id: ``local-`` + 16 hex digits
    of the SHA-256 of its normalized text (NFC, mojibake repaired, ``\\n`` line
    ends, trailing spaces dropped), so re-saving the file does not change it."""
    normalized = unicodedata.normalize("NFC", repair_mojibake(text.lstrip("\ufeff")))
    lines = normalized.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    canonical = "\n".join(line.rstrip() for line in lines).strip()
    return "local-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# ----------------------------------------------------------------- enums


def _snake(text: str) -> str:
    text = re.sub(r"\(.*?\)", " ", text)
    return "_".join(re.findall(r"[A-Za-z0-9]+", text)).upper()


_STATUS = {"UNKNOWN_STATUS": "UNKNOWN"}


def status(text: str | None) -> str | None:
    """``Active, not recruiting`` → ``ACTIVE_NOT_RECRUITING``."""
    if not text or not text.strip():
        return None
    key = _snake(text)
    return _STATUS.get(key, key) or None


def enum(text: str | None) -> str | None:
    """A registry word as an API v2 enum: ``Supportive Care`` →
    ``SUPPORTIVE_CARE``; ``N/A`` → ``NA``; parentheses dropped."""
    if text is None or not text.strip():
        return None
    if text.strip().upper() in {"N/A", "NA", "NOT APPLICABLE"}:
        return "NA"
    return _snake(text) or None


_MODEL = {
    "SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP",
    "PARALLEL_ASSIGNMENT": "PARALLEL",
    "CROSSOVER_ASSIGNMENT": "CROSSOVER",
    "FACTORIAL_ASSIGNMENT": "FACTORIAL",
    "SEQUENTIAL_ASSIGNMENT": "SEQUENTIAL",
}


def intervention_model(text: str | None) -> str | None:
    """``Single Group Assignment`` → ``SINGLE_GROUP``."""
    value = enum(text)
    return _MODEL.get(value, value) if value else None


def allocation(text: str | None) -> str | None:
    """``Non-Randomized`` → ``NON_RANDOMIZED``; ``N/A`` → ``NA``."""
    return enum(text)


def masking(text: str | None) -> str | None:
    """``None (Open Label)`` → ``NONE``; ``Double Blind (Subject, …)`` → ``DOUBLE``."""
    value = enum(text)
    if not value:
        return None
    for level in ("NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"):
        if value.startswith(level):
            return level
    if value.startswith("OPEN_LABEL"):
        return "NONE"
    return value


def study_type(text: str | None) -> str | None:
    """``Observational [Patient Registry]`` → ``OBSERVATIONAL``."""
    if not text:
        return None
    return enum(re.sub(r"\[.*?\]", "", text))


def sex(text: str | None) -> str | None:
    """``Both``/``All Sexes`` → ``ALL``; ``Female`` → ``FEMALE``."""
    value = enum(text)
    if value in {"BOTH", "ALL", "ALL_SEXES"}:
        return "ALL"
    return value


def enrollment_type(text: str | None) -> str | None:
    """``Anticipated``/``Estimated`` → ``ESTIMATED``; ``Actual`` → ``ACTUAL``."""
    value = enum(text)
    if value in {"ANTICIPATED", "ESTIMATED", "EXPECTED"}:
        return "ESTIMATED"
    return value


def yes_no(text: str | None) -> bool | None:
    """``Yes``/``No``/``Accepts Healthy Volunteers`` → bool; anything else → None."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in {"yes", "true", "y"}:
        return True
    if value in {"no", "false", "n"}:
        return False
    return None


_PHASE = re.compile(r"(early\s*phase\s*1|phase\s*[0-4]|not\s*applicable|\bn/?a\b)", re.I)


def phases(text: str | None) -> tuple[str, ...]:
    """``Phase 1/Phase 2`` → ``('PHASE1', 'PHASE2')``; ``N/A`` → ``('NA',)``;
    ``PHASE2`` (already API style) stays."""
    if not text:
        return ()
    found: list[str] = []
    text = re.sub(r"(?i)\bN/A\b", "NA", text)
    for part in re.split(r"[|,/]|\band\b", text):
        part = part.strip()
        if re.fullmatch(r"(EARLY_)?PHASE[0-4]|NA", part):
            found.append(part)
            continue
        for match in _PHASE.findall(part):
            word = re.sub(r"\s+", "", match.lower())
            if word.startswith("early"):
                found.append("EARLY_PHASE1")
            elif word.startswith("phase"):
                found.append("PHASE" + word[-1])
            else:
                found.append("NA")
    return tuple(dict.fromkeys(found))


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")


def age(text: str | None) -> str | None:
    """``18 years`` → ``18 Years``; ``N/A``/empty → None (no limit)."""
    if not text or text.strip().upper() in {"N/A", "NA", "NONE", "NO LIMIT"}:
        return None
    match = _AGE.match(text)
    if not match:
        return text.strip()
    number, unit = match.groups()
    unit = unit.capitalize()
    if not unit.endswith("s") and number != "1":
        unit += "s"
    return f"{number} {unit}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def iso_date(text: str | None) -> str | None:
    """A registry date as ISO: ``September 1, 2023`` → ``2023-09-01``,
    ``August 2023`` → ``2023-08``; ISO input stays; a trailing
    ``(Anticipated)``/``(Actual)`` is dropped. Unparseable → the text as is."""
    if not text or not text.strip():
        return None
    value = re.sub(r"\(.*?\)", "", text).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    match = re.fullmatch(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})", value)
    if match and match.group(1).lower() in _MONTHS:
        month = _MONTHS[match.group(1).lower()]
        year = int(match.group(3))
        if match.group(2):
            try:
                return date(year, month, int(match.group(2))).isoformat()
            except ValueError:
                return value
        return f"{year:04d}-{month:02d}"
    return value
