"""A cancer named by its organ and its histology.

Registrants write a cancer as its organ and any of the words for a malignant
epithelial tumour: "breast cancer", "breast carcinoma", "breast adenocarcinoma",
"adenocarcinoma of the lung". The concept lexicon lists some of these spellings
per cancer; :func:`variants` gives the rest, so that a lexicon naming "lung cancer"
and "lung carcinoma" also reads "lung adenocarcinoma" as lung cancer instead of
as the bare histology ("adenocarcinoma", a cancer of no organ).

Only an organ takes "adenocarcinoma": a name that already gives a cell type
("squamous cell carcinoma", "small cell lung cancer", "basal cell carcinoma",
"carcinoma in situ") swaps "cancer" and "carcinoma" only, since "squamous cell
adenocarcinoma" is no tumour and "basal cell adenocarcinoma" is another one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol


class _Entry(Protocol):
    """What :func:`cancer_names` reads of a lexicon entry (a ``ConceptEntry``)."""

    @property
    def type(self) -> str: ...
    @property
    def names(self) -> Sequence[str]: ...
    @property
    def classes(self) -> Sequence[str]: ...


#: The words for a malignant epithelial tumour, each standing for the others.
_MALIGNANT = re.compile(r"\b(?:cancer|carcinoma|adenocarcinoma)\b", re.IGNORECASE)

#: Words that give a cell type or a stage of growth, not an organ.
_CELL_TYPE = re.compile(
    r"\b(?:cell|squamous|epidermoid|neuroendocrine|situ|ductal|intraductal|small"
    r"|hepatocellular|hepatic|liver)\b",
    re.IGNORECASE,
)
#: Words that say how far a cancer has grown or when it came, not where it is: a name
#: of only these and the tumour word ("metastatic cancer") takes no other spelling,
#: so that "metastatic adenocarcinoma of the pancreas" is still read for its organ.
_STAGE_ONLY = re.compile(
    r"(?:(?:metastatic|advanced|second|other|recurrent|invasive|primary|secondary|prior"
    r"|new|active|any|malignant|a|an)\s+)+(?:cancer|carcinoma|adenocarcinoma)",
    re.IGNORECASE,
)


def variants(name: str) -> Iterator[str]:
    """The other spellings of a cancer's name, with the word for the tumour swapped.

    >>> list(variants("breast cancer"))
    ['breast carcinoma', 'breast adenocarcinoma']
    >>> list(variants("carcinoma of the colon"))
    ['cancer of the colon', 'adenocarcinoma of the colon']
    >>> list(variants("esophageal squamous cell carcinoma"))
    ['esophageal squamous cell cancer']
    >>> list(variants("cancer"))
    []
    >>> list(variants("metastatic cancer")), list(variants("hepatocellular carcinoma"))
    ([], ['hepatocellular cancer'])
    """
    found = list(_MALIGNANT.finditer(name))
    if len(found) != 1 or found[0].group().lower() == name.lower() or _STAGE_ONLY.fullmatch(name):
        return
    match = found[0]
    words = ["cancer", "carcinoma"]
    if not _CELL_TYPE.search(name):
        words.append("adenocarcinoma")
    for word in words:
        if word != match.group().lower():
            yield name[: match.start()] + word + name[match.end() :]


def cancer_names(entries: Mapping[str, _Entry]) -> Iterator[tuple[str, str]]:
    """``(spelling, concept id)`` for the :func:`variants` of every name of every
    condition the lexicon classes under ``cancer``, directly or through another."""

    def is_cancer(cid: str, seen: frozenset[str] = frozenset()) -> bool:
        entry = entries.get(cid)
        return entry is not None and any(
            c == "cancer" or (c not in seen and is_cancer(c, seen | {cid})) for c in entry.classes
        )

    for cid, entry in entries.items():
        if entry.type == "condition" and is_cancer(cid):
            for name in entry.names:
                for spelling in variants(name):
                    yield spelling, cid
