"""Mirroring registry searches and id lists into the corpus, and resolving a
record without an NCT id to registry candidates.

These functions join the client (:mod:`ctparse.registry`) and the store
(:mod:`ctparse.corpus`); ``ctparse fetch`` is a thin command over them.
Nothing here prints: progress goes to an ``on_page`` / ``on_progress``
callback and the outcome comes back as a :class:`FetchReport`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .align import matching
from .corpus import Corpus, Stored, utc_now
from .errors import ReadError, RegistryError, StudyNotFoundError
from .records import NCT_ID, normalize_nct_id, record_last_update, record_nct_id
from .registry import Registry

# ------------------------------------------------------------ mirroring


@dataclass
class FetchReport:
    """What a fetch did: the numbers of the summary line."""

    new: int = 0
    updated: int = 0
    current: int = 0  # already in the corpus with the same lastUpdatePostDate
    duplicates: int = 0  # the registry returned a study twice in one search
    not_found: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    total: int | None = None  # studies the registry says match
    seen: int = 0  # studies of this search saved so far, over all runs
    resumed: bool = False
    restarted: bool = False  # a saved page token had expired; began again
    keep: bool = True  # remember each record's outcome in ``stored``
    stored: dict[str, Stored] = field(default_factory=dict)

    def add(self, stored: Stored, *, as_id: str | None = None) -> None:
        if stored.status == "new":
            self.new += 1
        elif stored.status == "updated":
            self.updated += 1
        else:
            self.current += 1
        if self.keep:
            self.stored[as_id or stored.nct_id] = stored

    @property
    def done(self) -> int:
        return self.new + self.updated + self.current


def search_key(params: Mapping[str, str]) -> str:
    """A stable name for a search's state file (the page size may change)."""
    stable = {k: v for k, v in sorted(params.items()) if k != "pageSize"}
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:20]


def mirror_search(
    registry: Registry,
    corpus: Corpus,
    params: Mapping[str, str],
    *,
    limit: int | None = None,
    restart: bool = False,
    keep: bool = False,
    on_page: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Save every study of a search into the corpus, resumably.

    After each page the records are on disk, the index is committed, the
    page's ids are appended to the search's ``.seen`` file and then the next
    page token is saved. A run killed at any moment is resumed by calling
    this again with the same ``params``: it continues from the saved token;
    what a half-done page had already stored is skipped as current. When the
    saved token has expired (HTTP 400) the search starts again from the first
    page, skipping what is stored. On completion the state is removed.

    Args:
        params: from :func:`search_params`.
        limit: save at most this many studies (``--max``), over all runs.
        restart: forget a saved state and begin at the first page.
        keep: remember every record's outcome in ``report.stored`` (memory
            grows with the search).
        on_page: called with the running report after each page.
    """
    state_file = corpus.search_state(search_key(params))
    if restart:
        state_file.clear()
    state, seen = state_file.load()
    if state is not None and state.get("params") != {
        k: v for k, v in params.items() if k != "pageSize"
    }:
        state, seen = None, set()
    if state is None:
        state_file.clear()
        state = {
            "params": {k: v for k, v in params.items() if k != "pageSize"},
            "next_page_token": None,
            "started_at": utc_now(),
            "total": None,
        }
        state_file.save(state)
    report = FetchReport(total=state.get("total"), seen=len(seen), keep=keep)
    token = state.get("next_page_token")
    report.resumed = bool(token) or bool(seen)
    if limit is not None and report.seen >= limit:
        state_file.clear()
        return report

    def run(start: str | None) -> None:
        for page in registry.iter_pages(params, page_token=start):
            if page.total_count is not None:
                report.total = page.total_count
            new_ids: list[str] = []
            for record in page.studies:
                if limit is not None and report.seen >= limit:
                    break
                nct_id = record_nct_id(record)
                if nct_id in seen:
                    report.duplicates += 1
                    continue
                try:
                    report.add(corpus.store(record))
                except ReadError as exc:
                    report.refused.append((str(nct_id), exc.message))
                    continue
                assert nct_id is not None  # store() refuses records without one
                seen.add(nct_id)
                new_ids.append(nct_id)
                report.seen += 1
            corpus.flush()
            state_file.add_seen(new_ids)
            finished = page.next_page_token is None or (limit is not None and report.seen >= limit)
            state.update(
                next_page_token=page.next_page_token, total=report.total, saved=report.seen
            )
            state_file.save(state)
            if on_page is not None:
                on_page(report)
            if finished:
                return

    try:
        run(token)
    except RegistryError as exc:
        if not (token and exc.status == 400):
            raise
        # The registry no longer knows the saved token: begin again. Stored
        # records come back as "current" and are neither rewritten nor counted.
        report.restarted = True
        run(None)
    state_file.clear()
    return report


LIGHT_FIELDS = ("NCTId", "LastUpdatePostDate")


def mirror_ids(
    registry: Registry,
    corpus: Corpus,
    nct_ids: Sequence[str],
    *,
    check_current: bool = True,
    on_progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Save the studies ``nct_ids`` into the corpus, fetching nothing twice.

    Ids not in the corpus are fetched in batches of ``filter.ids``. Ids
    already stored are first checked with a light request (only NCT id and
    LastUpdatePostDate); only those updated since are fetched again. An id a
    batch does not return is asked for on its own: an alias follows the
    registry's 301 and is linked to the study it names; an unknown id ends up
    in ``report.not_found``.

    Args:
        check_current: ask the registry whether stored records changed;
            False skips stored ids without any request.
    """
    wanted = list(dict.fromkeys(normalize_nct_id(i) for i in nct_ids))
    report = FetchReport(total=len(wanted))
    to_fetch: list[str] = []
    stored: list[str] = []
    for nct_id in wanted:
        (stored if corpus.path_of(nct_id) else to_fetch).append(nct_id)
    if stored and check_current:
        # Ask about the stored study: an alias is stored under the id it names.
        canonical = {
            nct_id: (corpus.path_of(nct_id) or corpus.file_of(nct_id)) for nct_id in stored
        }
        unchanged: set[str] = set()
        light_ids = list(dict.fromkeys(path.stem for path in canonical.values()))
        for record in registry.iter_ids(light_ids, fields=LIGHT_FIELDS):
            found = record_nct_id(record)
            if found and corpus.is_current(found, record_last_update(record)):
                unchanged.add(found)
        for nct_id, path in canonical.items():
            if path.stem in unchanged:
                report.add(Stored(path.stem, path, "current"), as_id=nct_id)
            else:
                to_fetch.append(nct_id)
    else:
        for nct_id in stored:
            path = corpus.path_of(nct_id) or corpus.file_of(nct_id)
            report.add(Stored(path.stem, path, "current"), as_id=nct_id)
    if on_progress is not None:
        on_progress(report)
    returned: set[str] = set()
    for record in registry.iter_ids(to_fetch):
        result = corpus.store(record)
        returned.add(result.nct_id)
        report.add(result)
        if on_progress is not None and report.done % 100 == 0:
            on_progress(report)
    corpus.flush()
    for nct_id in to_fetch:
        if nct_id in returned:
            continue
        try:
            result = corpus.store(registry.get_study(nct_id), alias_of=nct_id)
        except StudyNotFoundError:
            report.not_found.append(nct_id)
            continue
        report.add(result, as_id=nct_id)
        corpus.flush()
        if on_progress is not None:
            on_progress(report)
    return report


# ------------------------------------------------------------- resolving

# Title words: the function words criteria matching ignores, plus the words
# every trial title has ("phase", "study", "versus").
_STOPWORDS = matching.STOPWORDS | frozenset(
    {"after", "before", "clinical", "phase", "study", "trial", "versus", "vs", "without"}
)
_ESSIE_OPERATORS = frozenset({"and", "or", "not", "near"})
_WORD = re.compile(r"[a-z0-9]+")
RESOLVE_FIELDS = (
    "NCTId",
    "BriefTitle",
    "OfficialTitle",
    "InterventionName",
    "Condition",
    "LastUpdatePostDate",
)


@dataclass(frozen=True)
class Candidate:
    """A registry study that may be the one a local record describes."""

    nct_id: str
    score: float
    title_score: float
    intervention_score: float | None
    brief_title: str | None
    last_update: str | None

    def to_row(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "score": round(self.score, 3),
            "title_score": round(self.title_score, 3),
            "intervention_score": None
            if self.intervention_score is None
            else round(self.intervention_score, 3),
            "brief_title": self.brief_title,
            "last_update": self.last_update,
        }


def _words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if w not in _STOPWORDS]


def _similarity(a: str | None, b: str | None) -> float:
    """Title similarity in [0, 1]: word overlap and word order, equally weighted."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    jaccard = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
    order = difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()
    return (jaccard + order) / 2


def _intervention_words(names: Iterable[str]) -> set[str]:
    return {w for name in names for w in _words(name) if len(w) > 3}


def score_candidate(
    record: Mapping[str, Any], *, title: str, interventions: Sequence[str] = ()
) -> Candidate | None:
    """How well a (light) API v2 record matches a title and interventions."""
    protocol = record.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    nct_id = record_nct_id(record)
    if not nct_id:
        return None
    brief, official = ident.get("briefTitle"), ident.get("officialTitle")
    title_score = max(_similarity(title, brief), _similarity(title, official))
    names = [
        i.get("name", "")
        for i in (protocol.get("armsInterventionsModule") or {}).get("interventions") or []
        if isinstance(i, dict)
    ]
    ours = _intervention_words(interventions)
    intervention_score = None
    score = title_score
    if ours:
        intervention_score = len(ours & _intervention_words(names)) / len(ours)
        score = 0.7 * title_score + 0.3 * intervention_score
    return Candidate(
        nct_id, score, title_score, intervention_score, brief, record_last_update(record)
    )


def resolve_candidates(
    registry: Registry,
    *,
    title: str,
    interventions: Sequence[str] = (),
    limit: int = 5,
) -> list[Candidate]:
    """Registry studies that may be the record with this title, best first.

    Two searches (two requests): the title's distinctive words in
    ``query.titles``, and the interventions in ``query.intr`` with any of the
    title words; every hit is scored by :func:`score_candidate`.
    """
    words = list(dict.fromkeys(w for w in _words(title) if w not in _ESSIE_OPERATORS))
    searches: list[dict[str, Any]] = []
    if words:
        searches.append({"titles": " ".join(words[:12])})
    drugs = [w for w in dict.fromkeys(_words(" ".join(interventions))) if len(w) > 3]
    drugs = [w for w in drugs if w not in _ESSIE_OPERATORS]
    if drugs:
        searches.append(
            {"intr": " OR ".join(drugs[:10]), "titles": " OR ".join(words[:12]) or None}
        )
    best: dict[str, Candidate] = {}
    for search in searches:
        for record in registry.iter_studies(fields=RESOLVE_FIELDS, limit=50, **search):
            candidate = score_candidate(record, title=title, interventions=interventions)
            if candidate and (
                candidate.nct_id not in best or candidate.score > best[candidate.nct_id].score
            ):
                best[candidate.nct_id] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.nct_id))
    return ranked[:limit]


def fetch_to_corpus(
    nct_ids: list[str], *, corpus_dir: Path | None, base_url: str | None
) -> list[Path]:
    """Fetch the studies ``nct_ids`` that the corpus lacks and store them there.

    This is what commands taking a REF call for an NCT id not in the corpus.
    Ids are fetched in batches (``filter.ids``); an alias follows the
    registry's 301.

    Returns:
        The corpus file of each id, in the order given (an alias gives the
        file of the study it now names).

    Raises:
        StudyNotFoundError: naming every id the registry does not know.
        RegistryError: the registry failed after retries.
    """
    wanted = [normalize_nct_id(i) for i in nct_ids]
    bad = [i for i in wanted if not NCT_ID.match(i)]
    if bad:
        raise StudyNotFoundError(", ".join(bad), "not an NCT id (NCT followed by 8 digits)")
    with Corpus(corpus_dir) as corpus:
        report = mirror_ids(Registry(base_url), corpus, wanted, check_current=False)
        if report.not_found:
            raise StudyNotFoundError(", ".join(report.not_found), "no such study in the registry")
        paths = []
        for nct_id in wanted:
            known = report.stored.get(nct_id)
            path = known.path if known else corpus.path_of(nct_id)
            if path is None:  # pragma: no cover - stored or reported above
                raise StudyNotFoundError(nct_id, "no such study in the registry")
            paths.append(path)
    return paths
