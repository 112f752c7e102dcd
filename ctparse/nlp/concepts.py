"""Concepts: what an entity names, from the concept lexicon.

The lexicon is ``models/concepts.jsonl`` (conditions, drugs, drug classes,
procedures, measurements, devices: a stable id, a preferred name, synonyms,
case-sensitive abbreviations, misspellings seen in registry text, a MeSH id
where one is known) joined with the two lexicons ctparse already has, so that
no name is listed twice:

* every variable of ``models/variables.jsonl`` is a measurement concept with
  the variable's id, name, synonyms and abbreviations (a concepts entry with
  ``"variable"`` adds a MeSH id, more names or examples);
* every drug of ``models/drugs.jsonl`` is a drug concept with the drug's id,
  and its ``class`` ("anti-PD-1") links it to the drug-class concept whose
  ``drug_class`` names that class ("PD-1 inhibitor", "anti-PD-1").

:func:`concept_of` finds the concept of an entity text: case, hyphens,
apostrophes and plurals folded ("Non-Small-Cell Lung Cancers", "Crohn's
disease"), abbreviations matched as written ("MS" is multiple sclerosis, "ms"
nothing), "name (ABBR)" tried both ways, and else the longest known name that
ends the text ("symptomatic brain metastases" -> brain metastases).

:func:`split_coordination` splits a coordinated entity into one part per
conjunct, a shared head or modifier distributed ("myocarditis, cardiomyopathy
or malignant arrhythmia" -> three; "hepatitis B or C" -> hepatitis B,
hepatitis C; "breast or ovarian cancer" -> breast cancer, ovarian cancer).

:func:`ctparse.nlp.entity_facts.ground` uses the registry's own MeSH indexing
of a record (API v2 ``derivedSection.conditionBrowseModule`` /
``interventionBrowseModule``) to give an entity the MeSH id the record names.

>>> concept_of("Brain metastases", "condition").id
'brain_metastases'
>>> [p.name for p in split_coordination("hepatitis B or C")]
['hepatitis B', 'hepatitis C']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ResourceError
from ..resources import load_rules, models_dir, per_models, where_is
from ..schema import Concept
from . import histology

TYPES = ("condition", "drug", "procedure", "measurement", "device")
_MESH = re.compile(r"[DC]\d{6}(?:\d{3})?")

# Words after a name that keep it the name of the whole ("hepatitis B infection",
# "MRI scan", "aspirin therapy"): a known name followed by these still names the entity.
# Folded (singular) forms, as key() gives them.
# fmt: off
_TRAILING = frozenset({
    "infection", "disease", "status", "positive", "positivity", "history", "use",
    "usage", "intake", "treatment", "therapy", "medication", "agent", "drug",
    "level", "value", "count", "test", "testing", "score", "scan", "procedure",
    "diagnosis", "stage", "class", "classification", "grade", "scale", "index",
    "questionnaire", "criterion", "criteria",
})
# fmt: on
# Irregular plural endings (folded before the regular -s): metastases -> metastasis.
_IRREGULAR = (
    ("stases", "stasis"),
    ("gnoses", "gnosis"),
    ("choses", "chosis"),
    ("uroses", "urosis"),
    ("omboses", "ombosis"),
    ("enoses", "enosis"),
    ("broses", "brosis"),
    ("rosclerosis", "rosclerosis"),
    ("theses", "thesis"),
    ("lyses", "lysis"),
    ("tomoses", "tomosis"),
    ("ices", "ix"),
    ("sses", "ss"),  # illnesses, abscesses
)
_KEEP_S = ("ss", "us", "is", "as", "os", "ys")
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "`": "'"})


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s"):
        return word
    for plural, singular in _IRREGULAR:
        if word.endswith(plural):
            return word[: -len(plural)] + singular
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(_KEEP_S):
        return word
    return word[:-1]


def words(text: str) -> list[str]:
    """The folded words of a text: NFKC, lower case, possessive 's dropped, every
    character but letters, digits and "+" a separator, plurals made singular."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    text = re.sub(r"'s\b", "", text)
    return [_singular(w) for w in re.findall(r"[\w+]+", text)]


def key(text: str) -> str:
    """The lookup key of a name: its folded words joined without spaces, so that
    "PD-1", "PD 1" and "pd1" are one key."""
    return "".join(words(text))


@dataclass(frozen=True)
class ConceptEntry:
    """One concept of the lexicon, with what it is linked to."""

    id: str
    type: str
    name: str
    mesh: str | None = None
    variable: str | None = None  # a models/variables.jsonl id
    drug: str | None = None  # a models/drugs.jsonl id
    classes: tuple[str, ...] = ()  # for a drug: the ids of its drug-class concepts
    names: tuple[str, ...] = ()  # name, synonyms and misspellings (case-insensitive)
    abbreviations: tuple[str, ...] = ()  # matched as written
    broad: bool = False  # a catch-all ("disease", "treatment"): names only a whole entity text
    # A state a patient is in now ("pregnant"): written alone it means the present, where
    # a condition written alone ("epilepsy") means any time.
    state: bool = False
    # Concepts it bears on without being a kind of them: a risk score and the treatment it
    # decides (CHA2DS2-VASc: anticoagulation), a treatment and what it treats.
    related: tuple[str, ...] = ()
    negates: str | None = None  # what it is the absence of: legal incapacity, consent
    treats_with: str | None = None  # the drug a therapy gives: corticosteroid therapy
    low: tuple[str, ...] = ()  # the variables whose low values it is: neutropenia, ANC
    high: tuple[str, ...] = ()  # and high values: hyperkalemia, potassium

    def concept(self) -> Concept:
        return Concept(id=self.id, name=self.name, mesh=self.mesh)


@dataclass(frozen=True)
class Lexicon:
    """The concepts, and the keys and abbreviations that name them."""

    entries: dict[str, ConceptEntry]
    by_key: dict[str, tuple[str, ...]]  # folded key -> concept ids, lexicon order
    by_abbreviation: dict[str, tuple[str, ...]]  # abbreviation as written -> concept ids
    longest: int  # words in the longest name
    examples: dict[str, tuple[str, ...]]  # concept id -> its example entity texts


def _check(entry: dict[str, Any], where: str) -> None:
    if not re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)*", entry["id"]):
        raise ResourceError(where, f"id {entry['id']!r} is not lower_snake")
    if entry.get("mesh") is not None and not _MESH.fullmatch(entry["mesh"]):
        raise ResourceError(where, f"mesh {entry['mesh']!r} is no MeSH descriptor id")
    for name in (
        "synonyms",
        "abbreviations",
        "misspellings",
        "examples",
        "drug_class",
        "classes",
        "related",
    ):
        values = entry.get(name) or []
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise ResourceError(where, f"{name} must be a list of non-empty strings")
    if entry.get("name") is None and entry.get("variable") is None and entry.get("drug") is None:
        raise ResourceError(where, "a concept needs a name (or a variable or drug it stands for)")


def _refuse_repeats(
    entry: dict[str, Any],
    name: str,
    names: list[str],
    abbreviations: list[str],
    directory: Path | None,
) -> None:
    """A name of the entry that another of its names already matches (the same
    words but for case, plural, hyphens or spaces; an abbreviation's plural) is
    refused: it would be a phrase no example can tell from the other, kept by
    nobody's decision."""

    def refuse(message: str) -> ResourceError:
        return ResourceError(where_is("concepts.jsonl", entry["id"], directory), message)

    own = [*(entry.get("synonyms") or ()), *(entry.get("misspellings") or ())]
    given: dict[str, str] = {key(name): name}
    for other in names:
        if other not in own:  # from the variable or drug the concept stands for
            given.setdefault(key(other), other)
    for other in own:
        if (k := key(other)) in given:
            raise refuse(f"{other!r} names {entry['id']} twice: {given[k]!r} matches it already")
        given[k] = other
    seen: set[str] = set()
    for abbreviation in sorted(abbreviations, key=len):
        if abbreviation in (entry.get("abbreviations") or ()):
            if (k := key(abbreviation)) in given:
                raise refuse(
                    f"abbreviation {abbreviation!r} of {entry['id']}: the name {given[k]!r} "
                    "matches it already, in any case"
                )
            if abbreviation.endswith("s") and abbreviation[:-1] in seen:
                raise refuse(
                    f"abbreviation {abbreviation!r} of {entry['id']}: "
                    f"{abbreviation[:-1]!r} matches its plural already"
                )
        seen.add(abbreviation)


def load_concepts(directory: Path | None = None) -> Lexicon:
    """Read ``concepts.jsonl``, ``variables.jsonl`` and ``drugs.jsonl`` (from
    ``models/`` or ``directory``) into one :class:`Lexicon`.

    Raises:
        ResourceError: an unknown key or type, a malformed MeSH id, a reference to
            a variable, drug or class that does not exist, an entry without
            examples, or a name an entry gives twice.
    """
    path = (directory or models_dir()) / "concepts.jsonl"
    entries = load_rules("concepts.jsonl", directory=directory)
    variables = {e["id"]: e for e in load_rules("variables.jsonl", directory=directory)}
    drugs = {e["id"]: e for e in load_rules("drugs.jsonl", directory=directory)}
    class_of: dict[str, str] = {}  # drugs.jsonl class -> class concept id
    for index, entry in enumerate(entries):
        _check(entry, f"{path}#{index}")
        for drug_class in entry.get("drug_class") or ():
            class_of[drug_class] = entry["id"]
    ids = {e["id"] for e in entries}
    built: dict[str, ConceptEntry] = {}
    examples: dict[str, tuple[str, ...]] = {}
    linked_variables: set[str] = set()
    linked_drugs: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{path}#{index}"
        names = [*(entry.get("synonyms") or ()), *(entry.get("misspellings") or ())]
        abbreviations = list(entry.get("abbreviations") or ())
        classes = list(entry.get("classes") or ())
        name = entry.get("name")
        if (variable := entry.get("variable")) is not None:
            if variable not in variables:
                raise ResourceError(where, f"unknown variable {variable!r}")
            v = variables[variable]
            name = name or v["name"]
            names += [v["name"], *v["synonyms"], *(v.get("misspellings") or ())]
            abbreviations += v.get("abbreviations") or []
            linked_variables.add(variable)
        if (drug := entry.get("drug")) is not None:
            if drug not in drugs:
                raise ResourceError(where, f"unknown drug {drug!r}")
            d = drugs[drug]
            name = name or d["name"]
            names += [d["name"], d["id"], *d["synonyms"]]
            if d["class"] in class_of:
                classes.append(class_of[d["class"]])
            linked_drugs.add(drug)
        for cls in classes:
            if cls not in ids:
                raise ResourceError(where, f"unknown class concept {cls!r}")
        linked = [entry.get("negates"), entry.get("treats_with")]
        for other in [*(entry.get("related") or ()), *filter(None, linked)]:
            if other not in ids:
                raise ResourceError(where, f"unknown related concept {other!r}")
        assert name is not None  # _check
        _refuse_repeats(entry, name, names, abbreviations, directory)
        built[entry["id"]] = ConceptEntry(
            id=entry["id"],
            type=entry["type"],
            name=name,
            mesh=entry.get("mesh"),
            variable=variable,
            drug=drug,
            classes=tuple(dict.fromkeys(classes)),
            names=tuple(dict.fromkeys([name, *names])),
            abbreviations=tuple(dict.fromkeys(abbreviations)),
            broad=bool(entry.get("broad")),
            state=bool(entry.get("state")),
            related=tuple(entry.get("related") or ()),
            negates=entry.get("negates"),
            treats_with=entry.get("treats_with"),
            low=tuple(entry.get("low") or ()),
            high=tuple(entry.get("high") or ()),
        )
        # An example is an entity text, or "text ⇒ expected" (ctparse.evaluation.examples).
        examples[entry["id"]] = tuple(e.rpartition(" ⇒ ")[0] or e for e in entry["examples"])
    for v in variables.values():
        if v["id"] not in linked_variables and v["id"] not in built:
            built[v["id"]] = ConceptEntry(
                id=v["id"],
                type="measurement",
                name=v["name"],
                variable=v["id"],
                names=tuple(
                    dict.fromkeys([v["name"], *v["synonyms"], *(v.get("misspellings") or ())])
                ),
                abbreviations=tuple(v.get("abbreviations") or ()),
            )
    for d in drugs.values():
        drug_id = d["id"].replace("-", "_")
        if d["id"] not in linked_drugs and drug_id not in built:
            cls = class_of.get(d["class"])
            built[drug_id] = ConceptEntry(
                id=drug_id,
                type="drug",
                name=d["name"],
                drug=d["id"],
                classes=(cls,) if cls else (),
                names=tuple(dict.fromkeys([d["name"], d["id"], *d["synonyms"]])),
            )
    by_key: dict[str, list[str]] = {}
    by_abbreviation: dict[str, list[str]] = {}
    longest = 1
    for concept in built.values():
        for name in concept.names:
            k = key(name)
            if not k or concept.id in by_key.setdefault(k, []):
                continue
            for other in by_key[k]:
                if built[other].type == concept.type:
                    raise ResourceError(str(path), f"{name!r} names both {other} and {concept.id}")
            by_key[k].append(concept.id)
            longest = max(longest, len(words(name)))
        for abbreviation in concept.abbreviations:
            if concept.id not in by_abbreviation.setdefault(abbreviation, []):
                by_abbreviation[abbreviation].append(concept.id)
    for spelling, cid in histology.cancer_names(built):  # "lung adenocarcinoma"
        by_key.setdefault(key(spelling), [cid])
    return Lexicon(
        entries=built,
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_abbreviation={k: tuple(v) for k, v in by_abbreviation.items()},
        longest=longest,
        examples=examples,
    )


@per_models
def lexicon() -> Lexicon:
    """The shipped concept lexicon (cached)."""
    return load_concepts()


# ---------------------------------------------------------------- lookup


def _pick(
    ids: Sequence[str], kind: str | None, lex: Lexicon, *, unique: bool = False, broad: bool = True
) -> str | None:
    """The first id of ``kind`` (any type when None); with ``unique``, None when two
    concepts of that type share the name (an ambiguous abbreviation); without
    ``broad``, no catch-all concept."""
    fitting = [
        i
        for i in ids
        if (kind is None or lex.entries[i].type == kind) and (broad or not lex.entries[i].broad)
    ]
    if not fitting or (unique and len(fitting) > 1):
        return None
    return fitting[0]


def _whole(text: str, kind: str | None, lex: Lexicon, *, strict: bool) -> str | None:
    """The concept a whole text names, by its folded key or as an abbreviation."""
    written = re.sub(r"\s+", " ", text.strip(" \t\r\n.,;:*\"'"))
    by_key = lex.by_key.get(key(written), ())
    found = _pick(by_key, kind, lex)
    abbreviations = lex.by_abbreviation.get(written) or (
        lex.by_abbreviation.get(written[:-1], ()) if written.endswith("s") else ()
    )
    found = found or _pick(abbreviations, kind, lex, unique=True)
    if found or strict:
        return found
    # Across types (gold and recognizers disagree on types: "bleeding" as a measurement),
    # by name always, by an abbreviation only when it names one concept.
    if by_key:
        return by_key[0]
    return abbreviations[0] if len(abbreviations) == 1 else None


def _head(tokens: list[str], kind: str | None, lex: Lexicon) -> str | None:
    """The longest known name ending the text, or followed only by trailing words
    ("hepatitis B infection"), of the entity's type; no catch-all concept ("breast
    disease" is not "disease")."""
    folded = [key(t) for t in tokens]
    end = len(tokens)
    while end > 0:
        for start in range(max(0, end - lex.longest), end):
            if start == 0 and end == len(tokens):
                continue  # the whole text was tried already
            written = " ".join(tokens[start:end])
            found = _pick(lex.by_key.get("".join(folded[start:end]), ()), kind, lex, broad=False)
            found = found or _pick(
                lex.by_abbreviation.get(written, ()), kind, lex, unique=True, broad=False
            )
            if found:
                return found
        if folded[end - 1] not in _TRAILING:
            return None
        end -= 1
    return None


_TOKEN = re.compile(r"[\w+]+(?:['’][\w]+)?|[^\w\s]")
_PAREN = re.compile(r"^(?P<outer>.*?)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]\s*(?P<rest>.*)$")


def bracketed(text: str) -> tuple[str, str] | None:
    """The two names of a text around a parenthesis, the words outside it and the
    words inside: "human immunodeficiency virus (HIV)", "HIV (human
    immunodeficiency virus)"; None without one."""
    m = _PAREN.match(text)
    return (f"{m['outer']} {m['rest']}".strip(), m["inner"]) if m else None


def _named(text: str, kind: str | None, lex: Lexicon) -> tuple[str | None, str]:
    """The concept the whole text names (or, around a parenthesis, one of its two
    names), and the text its last words are read from when it names none."""
    found = _whole(text, kind, lex, strict=False)
    if found is None and (two := bracketed(text)):
        for part in two:
            if part and (found := _whole(part, kind, lex, strict=False)):
                break
        text = two[0] or text
    return found, text


def entry_named(text: str, kind: str | None = None) -> ConceptEntry | None:
    """The lexicon entry an entity text names as a whole, by one of its names: not
    by its last words ("bronchial asthma" is asthma here only while "bronchial
    asthma" is a name of it)."""
    lex = lexicon()
    found, _ = _named(text, kind, lex)
    return lex.entries[found] if found else None


# Vague heads a condition is named with besides "disease" ("cardiac dysfunction", "renal
# problems", "neurological abnormalities"), folded: read as "disease", then "disorder".
_VAGUE_HEADS = frozenset(
    ["problem", "condition", "abnormality", "dysfunction", "disorder", "morbidity", "illness",
     "pathology", "complaint", "disease"]
)  # fmt: skip


def entry_of(text: str, kind: str | None = None) -> ConceptEntry | None:
    """The lexicon entry an entity text names (see :func:`concept_of`)."""
    lex = lexicon()
    found, text = _named(text, kind, lex)
    if found is None:
        tokens = [t for t in _TOKEN.findall(text) if t[0].isalnum() or t == "+"]
        found = _head(tokens, kind, lex) if tokens else None
        if found is None and tokens and kind in (None, "condition"):
            found = _vague(tokens, kind, lex)
    return lex.entries[found] if found else None


def _vague(tokens: list[str], kind: str | None, lex: Lexicon) -> str | None:
    """A condition named by an organ and a vague head ("pulmonary dysfunction",
    "psychiatric problems"): the organ's disease or disorder, when the lexicon names
    one. (An organ word alone is left to its list's head: "gastrointestinal or
    colonic malignancy" is no gastrointestinal disease.)"""
    modifier = tokens[:-1]
    if key(tokens[-1]) not in _VAGUE_HEADS or not modifier:
        return None
    for head in ("disease", "disorder"):
        name = " ".join([*modifier, head])
        if key(name) == key(" ".join(tokens)):
            continue
        found = _whole(name, kind, lex, strict=True)
        if found and not lex.entries[found].broad:
            return found
    return None


def concept_of(text: str, kind: str | None = None) -> Concept | None:
    """The concept an entity text names, or None.

    Args:
        text: the entity as written ("Brain Metastases", "HBV", "anti-PD-1 antibodies").
        kind: the entity's type (condition, drug, procedure, measurement, device);
            a name of this type is preferred, and a longest-match inside the text
            must be of this type.

    >>> concept_of("MS", "condition").name
    'multiple sclerosis'
    >>> concept_of("ms", "condition") is None
    True
    """
    entry = entry_of(text, kind)
    return entry.concept() if entry else None


# ---------------------------------------------------------------- coordination

_CONJUNCTION = re.compile(
    r"\s*,?\s*\b(?:and/or|and|or|nor|as\s+well\s+as|plus)\b\s*|\s*[,;]\s*|\s*/\s*", re.I
)
_SHORT = re.compile(r"(?:[A-Z]|\d{1,2}|[IVX]{1,4}|[A-Z]\d?)$")


@dataclass(frozen=True)
class Part:
    """One conjunct of a coordinated entity: ``start``/``end`` of its own words in the
    entity text, ``name`` with a shared head or modifier restored ("hepatitis C" for
    the "C" of "hepatitis B or C"), and its concept."""

    start: int
    end: int
    name: str
    concept: Concept | None


def _fits(text: str, kind: str | None) -> bool:
    """Whether ``text`` names a concept of the entity's type (any concept without a type)."""
    entry = entry_of(text, kind)
    return entry is not None and (kind is None or entry.type == kind)


def _top_level_breaks(text: str) -> list[tuple[int, int]]:
    """Conjunctions of ``text`` outside brackets, as (start, end)."""
    depth = 0
    closed = set()
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth:
            closed.add(i)
    return [
        (m.start(), m.end())
        for m in _CONJUNCTION.finditer(text)
        if m.start() not in closed and m.end() > m.start() and m.start() > 0 and m.end() < len(text)
    ]


def split_coordination(text: str, kind: str | None = None) -> list[Part]:
    """One :class:`Part` per conjunct of a coordinated entity text ("Lists are split").

    A text that is itself a known name ("head and neck cancer", "PET/CT") is one
    part. A shared head is distributed to the conjuncts before it when that names a
    concept ("breast or ovarian cancer"); a one-letter or number conjunct takes the
    words of the first conjunct before its last ("hepatitis B or C").
    """
    lex = lexicon()
    whole = Part(0, len(text), text, concept_of(text, kind))
    breaks = _top_level_breaks(text)
    if not breaks or _whole(text, kind, lex, strict=False):
        return [whole]
    bounds = [0, *(x for b in breaks for x in b), len(text)]
    spans = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    if len(spans) < 2:
        return [whole]
    first = text[spans[0][0] : spans[0][1]].split()
    last = text[spans[-1][0] : spans[-1][1]].split()
    parts = []
    for index, (s, e) in enumerate(spans):
        own = text[s:e].strip()
        name = own
        if index > 0 and _SHORT.fullmatch(own) and len(first) > 1:
            name = " ".join([*first[:-1], own])  # hepatitis B or [hepatitis] C
        elif index < len(spans) - 1 and len(last) > 1 and not _fits(own, kind):
            # breast [cancer] or ovarian cancer; type 1 [diabetes] or type 2 diabetes;
            # alcohol [abuse] or drug abuse: the shortest tail of the last conjunct that
            # makes a name of the entity's type.
            for n in range(1, len(last)):
                shared = " ".join([own, *last[-n:]])
                if _fits(shared, kind):
                    name = shared
                    break
        parts.append(Part(s, e, name, concept_of(name, kind)))
    if not any(p.concept for p in parts) and whole.concept is not None:
        return [whole]
    return parts
