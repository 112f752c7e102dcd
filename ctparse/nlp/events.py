"""What a window constrains: the event text before (or after "since") a period,
without the clause glue around it.

"Subjects who have received systemic anti-tumor therapy … within 3 weeks" →
"systemic anti-tumor therapy …"; a coordination of things gives one event per
thing (:mod:`ctparse.nlp.coordination`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text.people import PERSON
from ..text.sentences import is_abbreviation
from .concepts import key, lexicon
from .coordination import conjuncts

_LEAD = re.compile(
    r"(?i)^(?:[\s,;:.\-–•*]|\d{1,2}[.)]\s|(?:or|and|and/or|but|including|if|when|unless)\b)*"
    r"(?:(?:any|the|a|an|no)\s+)?"
    rf"(?:{PERSON}"
    r"\s+(?:(?:who|that|with|having)\s+|(?=(?:must|should|shall|will|agrees?)\b)))?"
    r"(?:(?:have|has|had|are|is|were|was|must|will|should|shall|did|not|be|been|ever|"
    r"previously|currently|already|agrees?\s+to|willing\s+to|continue\s+to|continue)\s+)*"
    r"(?:(?:received|undergone|undergo|had|used|taken|experienced|participated\s+in|"
    r"meet(?:s|ing)?\s+(?:the\s+)?(?:diagnostic\s+)?criteria\s+(?:for|of)|"
    r"(?:use|using)(?:\s+of)?|treatment\s+with|history\s+of|receipt\s+of|any|take|practi[cs]e|"
    r"employ|maintain)\s+)*"
)
_TRAIL = re.compile(
    r"(?i)(?:[\s,;:(\-–]+|\b(?:of|in|for|the|during|and|or|occurring|within|at|which|that|is|"
    r"are|was|were|has|have|had|any|to|from|by|since|over|last|past|previous|prior|next|"
    r"first|a|an|be|been)\b)+$"
)


_PARENS = re.compile(r"\([^()]*\)")


# "must take contraception from the beginning of screening until 120 days after …": the
# start of the period is no part of what must happen in it.
_FROM_UNTIL = re.compile(r"(?i)\s+from\s+[^,;()]*?\b(?:until|till|through|up\s+to)\s*$")
# "… from screening and must agree to continue using contraceptive methods for 120 days":
# the last of two coordinated predicates is the one the period belongs to.
_NEXT_PREDICATE = re.compile(
    r"(?i)\s+and\s+(?=(?:must|should|shall|will|agrees?\s+to)\b)"
    # "If a subject has intercourse with a partner, the subject must take …": the main clause.
    rf"|,\s+(?=(?:(?:the|each|all|any)\s+)?(?:{PERSON}|partners?)\s+"
    r"(?:must|should|shall|will|agrees?\s+to)\b)"
)


# Where the clause of an event ends, looking back from the period: a sentence end, a
# line break, ";" or ":", or ", or"/", and" before a new clause ("…, or who plan to …").
# Before a noun phrase ", or" ends a series whose members the period dates together
# ("Radiotherapy, chemotherapy, or immunotherapy within 4 weeks").
_CLAUSE_END = re.compile(
    r"[;:]|\.\s|\n|,\s+(?:or|and)\s+(?=(?i:who|which|that|whose|if|when|where|while|must|should"
    r"|shall|will|would|may|might|can|could|is|are|was|were|be|been|has|have|had|do|does|did|not"
    r"|no|never|they|he|she|it|patients?|subjects?|participants?|individuals?|women|men"
    r"|(?:the|a|an|any)\s+(?:patients?|subjects?|participants?|individuals?)"
    # "pregnant, breastfeeding, or planning to become pregnant in the next 6 months"
    r"|[a-z]+ing\s+(?:to|on)|(?:plans?|intends?|wants?|wishes|expects?)\s+to)\b)"
)


def event_before(text: str, floor: int, start: int) -> str | None:
    """The clause before the period, parenthetical asides and clause glue removed."""
    clause = text[floor:start]
    for _ in range(2):
        clause = _PARENS.sub(" ", clause)
    clause = _FROM_UNTIL.sub("", clause)
    cut = 0
    for m in _CLAUSE_END.finditer(clause):
        if m.group().startswith(".") and is_abbreviation(clause, 0, m.start()):
            continue  # "anticoagulants e.g. warfarin or heparin": no sentence end
        cut = m.end()
    clause = clause[cut:]
    pieces = _NEXT_PREDICATE.split(clause)[-1].split("(")
    # "probiotics (within past 1 month)": a period opening a parenthesis dates what precedes it.
    for piece in reversed(pieces):
        event = clean(piece.replace(")", " "), limit=False)
        if event:
            return event
    return None


#: Words an event keeps: the end of a long clause (the event lies just before the period),
#: the start of a conjunct (it begins where its coordination does).
EVENT_WORDS = 12
#: Words of a long clause's head kept before the words next to the period.
HEAD_WORDS = 3


def clean(phrase: str, *, limit: bool = True) -> str:
    phrase = _LEAD.sub("", phrase.strip())
    phrase = _TRAIL.sub("", phrase).strip(" ,;:-")
    words = phrase.split()
    return " ".join(words[-EVENT_WORDS:] if limit else words)


def split_events(event: str | None, *, after_since: bool = False) -> tuple[str | None, ...]:
    """The event of each window a period gives: one per conjunct of a coordination,
    and one per drug of a list of drugs joined by "and" ("4 weeks for thiopurine and
    methotrexate": a washout for each; a plain "and" splits nothing else)."""
    if not event:
        return (event,)
    split = [part for each in conjuncts(event, after_since=after_since) for part in _drugs(each)]
    if len(split) == 1:
        words = event.split()
        if len(words) > EVENT_WORDS and _EXAMPLES.search(event):
            # "medication with antioxidant properties e.g., beta-carotene, vitamin E, …":
            # the thing comes first, its examples after it
            return (" ".join(words[:EVENT_WORDS]),)
        if len(words) > EVENT_WORDS:
            # a long clause keeps its head and the words next to the period
            return (" ".join([*words[:HEAD_WORDS], "…", *words[HEAD_WORDS - EVENT_WORDS :]]),)
        return (event,)
    return tuple(" ".join(each.split()[:EVENT_WORDS]) for each in split)


_AND_LIST = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)


def _drugs(event: str) -> list[str]:
    """The drugs of "A and B" (or "A, B and C") when every member is the name of a
    drug of the concept lexicon; else the event whole."""
    members = _AND_LIST.split(event)
    if len(members) < 2 or " and " not in event.lower():
        return [event]
    lex = lexicon()

    def is_drug(name: str) -> bool:  # a drug's own name, not one found by its head word
        ids = lex.by_key.get(key(name), ())
        return any(lex.entries[i].type == "drug" for i in ids)

    return members if all(is_drug(m) for m in members) else [event]


_EXAMPLES = re.compile(r"(?i)\b(?:e\.?g\.?|i\.?e\.?|such\s+as|including|for\s+example)(?:\s|,)")


# Clause glue around the event a window constrains. The extractor's event text
# may be a clean noun phrase ("weight loss") or run over clause boundaries
# ("the beginning of screening and must agree to continue using contraceptive
# methods"); the part nearest the period is what the period qualifies.
_CLAUSE = re.compile(
    r"[,;:]\s*(?:(?:and|or|but)\s+)?(?:if|when|whenever|where|unless|once|which|who)\b"
    r"|\band\s+(?=(?:must|should|shall|will|agrees?|need|are\s+required)\b)"
    r"|\b(?:must|should|shall|needs?\s+to|ha(?:s|ve)\s+to|(?:is|are)\s+required\s+to"
    r"|agree(?:s|d)?\s+to|(?:is|are)\s+willing\s+to)\b",
    re.IGNORECASE,
)
_GLUE_LEAD = re.compile(
    r"^(?:(?:and|or|but|then|also|if|when|who|which|that|the|a|an|any|of|to|be|been|being"
    r"|continue|continues|continuing|undergo|undergoes|take|takes|taking|use|uses|using"
    r"|receive|receives|received|receiving|have|has|had|having|perform|performed|get|show)\s+)+",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"^(?:excluding|without|no|not|never)\s+", re.IGNORECASE)
_GLUE_TAIL = re.compile(
    r"(?:[\s,;:(\-–]+(?:and|or|but|until|if|when|of|for|to|from|by|with|in|at|on|the|a|an"
    r"|used|using|occurs?|occurred|was|were|is|are|be|been|being|that|which|who|during"
    r"|within|since|having|has|have|had|than|after|before|prior))+[\s,;:(\-–]*$"
    r"|[\s,;:(\-–]+$",
    re.IGNORECASE,
)


def _tail(text: str) -> str:
    """``text`` without trailing glue words."""
    match = _GLUE_TAIL.search(text)
    return text[: match.start()] if match else text


def describe(event: str, *, grants: Sequence[str] = ()) -> tuple[str | None, bool]:
    """What a window constrains, as a short phrase without clause glue (None when
    nothing is left: "and the"), and whether a negation opens it.

    ``grants`` are the words of the criterion that grant entry ("are allowed to
    enroll", from the polarity rules): they say what the criterion asks of the
    event (``Window.requirement``), not what the event is. So does a negation
    opening the event ("excluding …", "no …"): it is returned, not kept.

    >>> describe("patients of childbearing potential must undergo a pregnancy test")
    ('pregnancy test', False)
    >>> describe("excluding any blood components and growth factors used")
    ('blood components and growth factors', True)
    """
    text = event
    for grant in grants:
        text = text.replace(grant, " ")
    text = " ".join(text.split())
    pieces = _CLAUSE.split(text)
    text = next((p for p in reversed(pieces) if _GLUE_LEAD.sub("", p.strip()).strip()), text)
    text = _tail(text.strip())
    negated = False
    for _ in range(3):  # "and the", "excluding any": glue, then negation, then glue
        stripped = _GLUE_LEAD.sub("", text)
        negation = _NEGATION.match(stripped)
        if negation:
            negated, stripped = True, stripped[negation.end() :]
        if stripped == text:
            break
        text = stripped
    text = _tail(text.strip()).strip()
    if not text or _GLUE_LEAD.fullmatch(text + " ") or _CLAUSE.fullmatch(text):
        return None, negated
    return text, negated


# ------------------------------------------------ events written after the period

_PER = re.compile(r"\s*(?:per|a|an|/|each|every)\s*(?:weeks?|months?|days?|years?)\b")
_PER_BEFORE = re.compile(r"\s*(?:per|a|an|/|each|every)\s*(?:weeks?|months?|days?|years?)\b$")
# "30-day readmission", "2-year follow-up": a hyphenated period modifies the noun after it
_ATTRIBUTE = re.compile(r"\d\s*-\s*$")
_NOUN_AFTER = re.compile(
    r"\s+(?!(?i:old|of|in|on|at|for|from|to|with|within|before|after|prior|since|or|and|period)\b)"
    r"(?P<np>[A-Za-z][\w/-]*(?:\s+(?!(?i:of|in|on|at|for|from|to|with|within|before|after|prior"
    r"|since|or|and|using|who|which|that)\b)[A-Za-z][\w/-]*){0,2})"
)
# "< 6 months post-partum": being post-something is the event
_POST = re.compile(r"\s*(?P<post>(?i:post[- ]?[a-z]+|postpartum|postoperative(?:ly)?))\b")
# "who have undergone in six months a weight loss diet": the object follows the period
_PARTICIPLE = re.compile(
    r"(?i)^(?:undergone|received|taken|had|used|started|followed|experienced|done|performed)$"
)
_OBJECT_AFTER = re.compile(
    r"\s+(?:(?i:a|an|the|any)\s+)?(?P<np>[A-Za-z][\w/-]*(?:\s+[A-Za-z][\w/-]*){0,3}?)"
    r"(?=\s*(?:[,;.()]|$|\b(?i:and|or|with|for|in|at|within|before|after|who|which|that)\b))"
)


def event_after(text: str, number: int, end: int, before: str | None) -> str | None:
    """An event written after its period, or None.

    * "≥ 5 days per week E-cig use": a frequency's event follows it;
    * "30-day readmission": a hyphenated period modifies the noun after it;
    * "< 6 months post-partum": being post-something;
    * "have undergone in six months a weight loss diet": the object of the verb
      ``before`` (the event found before the period) left without it.
    """
    per = _PER.match(text, end) or _PER_BEFORE.search(text, max(0, end - 16), end)
    if per is not None:
        noun = _NOUN_AFTER.match(text, per.end())
        return noun.group("np") if noun else None
    post = _POST.match(text, end)
    if post is not None:
        return post.group("post")
    if _ATTRIBUTE.search(text, max(0, number - 3), number + 1) or (
        number < end and "-" in text[number:end] and not text[number:end].strip("-").count(" ")
    ):
        noun = _NOUN_AFTER.match(text, end)
        if noun is not None:
            return noun.group("np")
    if before and before.split() and _PARTICIPLE.match(before.split()[-1]):
        obj = _OBJECT_AFTER.match(text, end)
        if obj is not None:
            return obj.group("np")
    return None


# "recent (<6 months) acute cardiac event": a period in parentheses after a modifier
# dates the noun phrase after the parenthesis
_MODIFIER = re.compile(r"(?i)(?:^|\s)(?:recent|recently|new|current|ongoing|prior|previous)\s*$")
# "(via clinical record within the past 6 months)": an aside on how the thing before the
# parenthesis is known dates that thing
_HOW = re.compile(
    r"(?i)^\s*(?:via|by|per|as|from|according\s+to|documented|measured|confirmed|assessed|"
    r"obtained|performed|done|determined)\b"
)


def parenthesized(text: str, floor: int, start: int, end: int) -> tuple[str, int] | None:
    """Where the event of a period written inside parentheses is: ("after", position
    after the ")") for "recent (<6 months) X", ("before", position of the "(") for
    "X (via clinical record within the past 6 months)", else None."""
    opened = text.rfind("(", floor, start)
    if opened < 0 or text.find(")", opened, start) >= 0:
        return None
    closed = text.find(")", end)
    if closed < 0:
        return None
    inside = text[opened + 1 : start]
    if not inside.strip(" <>≤≥=~") and _MODIFIER.search(text, floor, opened):
        return "after", closed + 1
    if _HOW.match(inside):
        return "before", opened
    return None


# Words that make the text from an event to its period more than a list of events
# ("No history of seizures, but surgery within 6 months"): no negation reaches across.
NOT_A_LIST = re.compile(
    r"(?i)\b(?:but|and|during|while|except|unless|if|when|changes?|dose|scheduled|"
    r"planned|stable|is|are|has|have|been)\b|,\s*with\b|[;:]"
)
