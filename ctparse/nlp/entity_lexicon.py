"""Lexicon features of the entity recognizer: which words the curated lexicon names.

The concept lexicon (``models/concepts.jsonl`` joined with ``variables.jsonl``
and ``drugs.jsonl``, :func:`ctparse.nlp.concepts.load_concepts`) is turned
into a list of :class:`Term` (a phrase, its type, whether it is matched as
written). :class:`LexiconMatcher` finds them in a text: names case-insensitive,
with "-" also matching spaces and an optional plural "s"/"es"; abbreviations as
written. It walks character tries first and compiles the same phrases into two
trie regexes (:func:`ctparse.text.patterns.phrase_pattern`) once a run has read
enough texts to repay the compile time; both find the same spans. The
leftmost-longest matches, not overlapping, give every token a tag:

* ``0``: no lexicon match;
* ``1 + 2 * t`` / ``2 + 2 * t``: the first / a later token of a match of type
  ``TYPES[t]`` (condition, drug, procedure, measurement, device, or ``broad``
  for the catch-all concepts such as "disease" or "treatment").

The ``ctparse_lexicon`` pipeline component runs before the ``tok2vec`` of the
entity model and stores the tags in ``doc._.ctparse_lexicon``;
``ctparse.LexiconMultiHashEmbed.v1`` (``MultiHashEmbed`` plus a small embedding
of the tag) feeds them to the CNN, which learns how far to trust them. The
component saves its terms with the model (``lexicon/terms.jsonl``), so the
shipped model computes exactly the features it was trained with, whatever
``models/concepts.jsonl`` holds later; only ``initialize`` (training) reads
the lexicon files.

>>> matcher = LexiconMatcher([Term("type 2 diabetes", "condition"), Term("HbA1c", "measurement", True)])
>>> matcher.matches("Type 2 diabetes with HbA1c > 7%")
[(0, 15, 'condition'), (21, 26, 'measurement')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ..text.patterns import phrase_pattern

if TYPE_CHECKING:
    from thinc.api import Model

TYPES = ("condition", "drug", "procedure", "measurement", "device", "broad")
N_TAGS = 1 + 2 * len(TYPES)
EXTENSION = "ctparse_lexicon"
_HYPHEN = r"(?:\s*-\s*|\s+)"
_SPACES = re.compile(r"\s*-\s*|\s+")


@dataclass(frozen=True)
class Term:
    """A lexicon phrase: its text, its type (one of :data:`TYPES`), and whether
    it is matched as written (abbreviations) or case-insensitively (names)."""

    text: str
    type: str
    exact: bool = False


def lexicon_terms(directory: Path | None = None) -> list[Term]:
    """The terms of the concept lexicon (``models/`` or ``directory``), in lexicon order.

    A name of two or more characters is a case-insensitive term; an
    abbreviation a term matched as written. A catch-all concept's names have
    type ``broad``. A phrase that two types name keeps the first.
    """
    from .concepts import load_concepts

    lexicon = load_concepts(directory)
    terms: list[Term] = []
    seen: set[tuple[str, bool]] = set()
    for entry in lexicon.entries.values():
        kind = "broad" if entry.broad else entry.type
        if kind not in TYPES:
            continue
        for name in entry.names:
            folded = _fold(name)
            if len(folded) >= 2 and (folded, False) not in seen:
                seen.add((folded, False))
                terms.append(Term(folded, kind))
        for abbreviation in entry.abbreviations:
            text = abbreviation.strip()
            # An abbreviation's plural ("TKIs") is matched as written too; the
            # concept lexicon reads it from the singular.
            plural = () if text.endswith("s") else (f"{text}s",)
            for form in (text, *plural):
                if len(text) >= 2 and (form, True) not in seen:
                    seen.add((form, True))
                    terms.append(Term(form, kind, True))
    return terms


def _fold(text: str) -> str:
    """A name's lookup form: lower case, each run of spaces and a hyphen one space."""
    return _SPACES.sub(" ", text.strip().lower())


def _compile(phrases: Iterable[str], flags: int) -> re.Pattern[str] | None:
    phrases = sorted(set(phrases))
    if not phrases:
        return None
    plural = r"(?:e?s)?" if flags & re.IGNORECASE else ""
    body = phrase_pattern(phrases, hyphen=_HYPHEN)
    return re.compile(rf"(?<!\w)(?:{body}){plural}(?!\w)", flags)


def _word_at(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a regex ``\\w`` character (False past the end)."""
    return i < len(text) and (text[i].isalnum() or text[i] == "_")


class _Trie:
    """The phrases as a character trie, walked so that it finds exactly what the
    regex of :func:`_compile` finds: ``(?<!\\w)(?:phrase)(?:e?s)?(?!\\w)``, a
    space in a phrase matching a run of whitespace, a hyphen a hyphen with
    spaces around it or a run of whitespace, the longest phrase first (the trie
    regex is greedy and deterministic: at each character one branch can go on).

    It builds in a hundredth of the regex's compile time and matches at about
    half its speed, so :class:`LexiconMatcher` starts with it and compiles the
    regex once a run has read enough texts to repay it."""

    def __init__(self, phrases: Iterable[str], *, fold_case: bool, plural: bool) -> None:
        self.root: dict[str, Any] = {}
        for phrase in phrases:
            node = self.root
            for char in phrase:
                node = node.setdefault(char, {})
            node[""] = {}
        self.fold_case = fold_case
        self.plural = plural
        firsts = "".join(re.escape(c) for c in sorted(c for c in self.root if c))
        self._starts = re.compile(
            rf"(?<!\w)[{firsts}]" if firsts else r"(?!)", re.IGNORECASE if fold_case else 0
        )

    def _end(self, text: str, start: int) -> int | None:
        node, i, n = self.root, start, len(text)
        ends: list[int] = []
        while True:
            if "" in node:
                ends.append(i)
            if i >= n:
                break
            char = text[i]
            if char.isspace() or char == "-":
                j = i
                while j < n and text[j].isspace():
                    j += 1
                hyphen = node.get("-")
                if hyphen is not None and j < n and text[j] == "-":
                    j += 1
                    while j < n and text[j].isspace():
                        j += 1
                    node, i = hyphen, j
                    continue
                if j == i:  # a hyphen no phrase has here
                    break
                after = hyphen if hyphen is not None else node.get(" ")
                if after is None:
                    break
                node, i = after, j
                continue
            step = node.get(char.lower() if self.fold_case else char)
            if step is None:
                break
            node, i = step, i + 1
        for end in reversed(ends):
            if self.plural:
                if text[end : end + 2].lower() == "es" and not _word_at(text, end + 2):
                    return end + 2
                if text[end : end + 1].lower() == "s" and not _word_at(text, end + 1):
                    return end + 1
            if not _word_at(text, end):
                return end
        return None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of every match, left to right, not overlapping."""
        after = 0
        for found in self._starts.finditer(text):
            start = found.start()
            if start < after:
                continue
            end = self._end(text, start)
            if end is not None and end > start:
                yield start, end
                after = end


#: Texts a matcher reads with its tries before it compiles the regexes: their
#: compile time (about 0.3 s) is repaid by the faster scan after some 20,000 texts.
COMPILE_AFTER = 20_000


class LexiconMatcher:
    """Finds the terms in a text (leftmost-longest, not overlapping)."""

    def __init__(self, terms: Sequence[Term], *, compile_after: int = COMPILE_AFTER) -> None:
        self.terms = list(terms)
        self._names: dict[str, str] = {}
        self._abbreviations: dict[str, str] = {}
        for term in self.terms:
            table = self._abbreviations if term.exact else self._names
            table.setdefault(term.text if term.exact else _fold(term.text), term.type)
        # Hyphens inside a name also match spaces; the plain name is matched too.
        self._name_trie = _Trie(sorted(self._names), fold_case=True, plural=True)
        self._abbreviation_trie = _Trie(sorted(self._abbreviations), fold_case=False, plural=False)
        self._regexes: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None
        self._before_compile = compile_after

    def _name_type(self, text: str) -> str | None:
        folded = _fold(text)
        for candidate in (folded, folded[:-1], folded[:-2]):
            kind = self._names.get(candidate)
            if kind is not None:
                return kind
        return None

    def _spans(self, text: str) -> tuple[Iterable[tuple[int, int]], Iterable[tuple[int, int]]]:
        """The spans of names and of abbreviations: by the tries, until enough texts
        were read to repay compiling the regexes (the same spans either way)."""
        if self._regexes is None:
            if self._before_compile > 0:
                self._before_compile -= 1
                return self._name_trie.spans(text), self._abbreviation_trie.spans(text)
            self._regexes = (_compile(self._names, re.IGNORECASE), _compile(self._abbreviations, 0))
        names, abbreviations = (
            () if regex is None else [m.span() for m in regex.finditer(text)]
            for regex in self._regexes
        )
        return names, abbreviations

    def _found(self, text: str) -> Iterator[tuple[int, int, str]]:
        names, abbreviations = self._spans(text)
        for start, end in names:
            kind = self._name_type(text[start:end])
            if kind is not None:
                yield start, end, kind
        for start, end in abbreviations:
            kind = self._abbreviations.get(text[start:end])
            if kind is not None:
                yield start, end, kind

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """The matches as sorted (start, end, type): leftmost first, then longest."""
        found = sorted(self._found(text), key=lambda m: (m[0], -m[1]))
        kept: list[tuple[int, int, str]] = []
        for match in found:
            if kept and match[0] < kept[-1][1]:
                continue
            kept.append(match)
        return kept

    def tags(self, doc: Doc) -> numpy.ndarray:
        """One tag per token of ``doc`` (see the module docstring), as uint64."""
        tags = numpy.zeros((len(doc),), dtype="uint64")
        matches = self.matches(doc.text)
        if not matches:
            return tags
        for start, end, kind in matches:
            span = doc.char_span(start, end)
            if span is None:
                continue  # not whole tokens
            code = TYPES.index(kind)
            tags[span.start] = 1 + 2 * code
            tags[span.start + 1 : span.end] = 2 + 2 * code
        return tags


def register_extension() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


class LexiconComponent:
    """``ctparse_lexicon``: sets ``doc._.ctparse_lexicon`` (a tag per token)."""

    def __init__(self, nlp: Language | None = None, name: str = "ctparse_lexicon") -> None:
        register_extension()
        self.name = name
        self.matcher = LexiconMatcher(())

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, self.matcher.tags(doc))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        directory: str | None = None,
    ) -> None:
        """Read the terms from the lexicon files (``models/`` or ``directory``)."""
        self.matcher = LexiconMatcher(lexicon_terms(Path(directory) if directory else None))

    def _records(self) -> list[dict[str, Any]]:
        return [{"text": t.text, "type": t.type, "exact": t.exact} for t in self.matcher.terms]

    def _load(self, records: Iterable[dict[str, Any]]) -> None:
        self.matcher = LexiconMatcher(
            [Term(r["text"], r["type"], bool(r["exact"])) for r in records]
        )

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self._records())

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> LexiconComponent:
        self._load(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(folder / "terms.jsonl", self._records())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LexiconComponent:
        self._load(srsly.read_jsonl(Path(path) / "terms.jsonl"))
        return self


@Language.factory(
    "ctparse_lexicon", assigns=[f"doc._.{EXTENSION}"], default_config={}, retokenizes=False
)
def make_lexicon(nlp: Language, name: str) -> LexiconComponent:
    return LexiconComponent(nlp, name)


# ---------------------------------------------------------------- the embedding


def _lexicon_features(model: Model[Any, Any], docs: list[Doc], is_train: bool) -> tuple[Any, Any]:
    columns = model.attrs["columns"]
    features = []
    for doc in docs:
        tags = doc._.get(EXTENSION)
        if tags is None:
            # Only the shape matters where no component ran (spaCy initializes the
            # tok2vec on unannotated docs); the shipped pipeline always has one.
            tags = numpy.zeros((len(doc),), dtype="uint64")
        array = doc.to_array(columns)
        if array.ndim == 1:
            array = array.reshape((array.shape[0], 1))
        array = numpy.hstack([array.astype("uint64"), tags.reshape((-1, 1))])
        features.append(model.ops.asarray2i(cast(Any, array), dtype="uint64"))
    return features, lambda d_features: []


def lexicon_multi_hash_embed(
    width: int,
    attrs: list[str],
    rows: list[int],
    lexicon_width: int,
) -> Model[list[Doc], list[Any]]:
    """spaCy's ``MultiHashEmbed`` (no static vectors) with one more input: an
    embedding of ``lexicon_width`` for the token's lexicon tag."""
    from thinc.api import (
        Embed,
        HashEmbed,
        Maxout,
        Model,
        chain,
        concatenate,
        list2ragged,
        ragged2list,
        with_array,
    )

    if len(rows) != len(attrs):
        raise ValueError(f"mismatched lengths: {len(rows)} rows, {len(attrs)} attrs")
    seed = 7
    embeddings: list[Model[Any, Any]] = []
    for index in range(len(attrs)):
        seed += 1
        embeddings.append(HashEmbed(width, rows[index], column=index, seed=seed, dropout=0.0))
    embeddings.append(Embed(lexicon_width, N_TAGS, column=len(attrs), dropout=0.0))
    concat_size = width * len(attrs) + lexicon_width
    extractor: Model[list[Doc], list[Any]] = Model(
        "extract_lexicon_features", _lexicon_features, attrs={"columns": list(attrs)}
    )
    return chain(
        extractor,
        list2ragged(),
        with_array(concatenate(*embeddings)),
        with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )


registry.architectures.register("ctparse.LexiconMultiHashEmbed.v1", func=lexicon_multi_hash_embed)
