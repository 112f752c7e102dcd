"""The ClinicalTrials.gov API v2 client: one session, paging, rate limit, retries.

Everything that talks to the registry goes through :class:`Registry`::

    registry = Registry()                       # no network work yet
    record = registry.get_study("NCT05990231")  # raw API v2 dict
    for record in registry.iter_studies(query="esophageal squamous cell carcinoma"):
        ...

The client is a polite citizen of the API: a client-side rate limiter (50
requests per minute by default, the registry's documented tolerance), retries
with exponential back-off and jitter on HTTP 429, 5xx, connection errors,
timeouts and truncated or non-JSON bodies, ``Retry-After`` honoured (seconds or
an HTTP date), and a bounded number of attempts, after which a
:class:`~ctparse.errors.RegistryError` names the URL and the last status.

Time is injectable (``clock``, ``sleep``, ``now``) so that tests can run the
back-off and the rate limiter without sleeping.

Storing what is fetched is the mirror's job (:mod:`ctparse.mirror`,
:func:`ctparse.mirror.fetch_to_corpus`); this module knows nothing of the corpus.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from ._version import __version__
from .errors import RegistryError, StudyNotFoundError
from .records import NCT_ID, normalize_nct_id

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
USER_AGENT = f"ctparse/{__version__} (+https://pypi.org/project/ctparse-trials/)"
MAX_PAGE_SIZE = 1000
#: ids per ``filter.ids`` request; keeps the query string well under URL limits
IDS_PER_REQUEST = 200

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def base_url_from(base_url: str | None = None) -> str:
    """``base_url``, else ``$CTPARSE_API_URL``, else the public API v2."""
    chosen = base_url or os.environ.get("CTPARSE_API_URL") or DEFAULT_BASE_URL
    return chosen.rstrip("/")


class RateLimiter:
    """At most ``per_minute`` requests per minute, evenly spaced.

    Spacing (rather than bursts of ``per_minute``) keeps a long search below
    the registry's limit in every window, whatever window it measures.
    """

    def __init__(
        self,
        per_minute: float = 50.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None

    def wait(self) -> None:
        """Block until the next request may go out, then reserve its slot."""
        now = self._clock()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._clock()
        self._next = max(now, self._next or now) + self.interval


@dataclass(frozen=True)
class Page:
    """One page of ``GET /studies``."""

    studies: list[dict[str, Any]]
    next_page_token: str | None
    total_count: int | None
    page_token: str | None  # the token this page was requested with


@dataclass
class Stats:
    """What the client did, for summaries and benchmarks."""

    requests: int = 0
    retries: int = 0
    slept: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


def search_params(
    *,
    query: str | None = None,
    term: str | None = None,
    cond: str | None = None,
    intr: str | None = None,
    titles: str | None = None,
    ids: Sequence[str] | None = None,
    since: str | None = None,
    advanced: str | None = None,
    status: Sequence[str] | None = None,
    fields: Sequence[str] | None = None,
    sort: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> dict[str, str]:
    """The ``GET /studies`` query parameters for a search (without paging state).

    Args:
        query, term: free text, ``query.term`` (Essie syntax; both given: ANDed).
        cond, intr, titles: ``query.cond``, ``query.intr``, ``query.titles``.
        ids: NCT ids, ``filter.ids``.
        since: an ISO date; only studies whose LastUpdatePostDate is on or after it.
        advanced: an extra ``filter.advanced`` Essie expression (ANDed with ``since``).
        status: ``filter.overallStatus`` values.
        fields: restrict the returned fields (``NCTId``, ``BriefTitle``, ...).
        page_size: studies per page, capped at 1,000.
    """
    params: dict[str, str] = {}
    for name, value in (
        (
            "query.term",
            " AND ".join(f"({t})" for t in (query, term) if t) if query and term else query or term,
        ),
        ("query.cond", cond),
        ("query.intr", intr),
        ("query.titles", titles),
    ):
        if value:
            params[name] = value
    if ids:
        params["filter.ids"] = ",".join(normalize_nct_id(i) for i in ids)
    expressions = []
    if since:
        expressions.append(f"AREA[LastUpdatePostDate]RANGE[{since},MAX]")
    if advanced:
        expressions.append(f"({advanced})" if since else advanced)
    if expressions:
        params["filter.advanced"] = " AND ".join(expressions)
    if status:
        params["filter.overallStatus"] = ",".join(status)
    if fields:
        params["fields"] = "|".join(fields)
    if sort:
        params["sort"] = sort
    params["pageSize"] = str(max(1, min(int(page_size), MAX_PAGE_SIZE)))
    return params


class Registry:
    """A client for the ClinicalTrials.gov API v2.

    Args:
        base_url: API root; default ``$CTPARSE_API_URL`` or the public API v2.
        session: a ``requests.Session`` (one is made if not given).
        timeout: (connect, read) timeouts in seconds.
        rate: requests per minute allowed to leave this client.
        max_attempts: attempts per request before giving up.
        backoff: first back-off in seconds; doubles per attempt, with jitter.
        max_backoff: cap on one back-off.
        max_retry_after: a ``Retry-After`` longer than this ends the retries
            (the registry asks for more patience than a command should show).
        clock, sleep, now, jitter: injectable time (monotonic clock, sleep,
            wall-clock epoch seconds for HTTP dates) and randomness in [0, 1).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (10.0, 60.0),
        rate: float = 50.0,
        max_attempts: int = 6,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url_from(base_url)
        self.session = session if session is not None else requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.setdefault("Accept", "application/json")
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.limiter = RateLimiter(rate, clock=clock, sleep=self._sleep)
        self._raw_sleep = sleep
        self._now = now
        self._jitter = jitter
        self.stats = Stats()

    # ------------------------------------------------------------ requests

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.slept += seconds
            self._raw_sleep(seconds)

    def _url(self, path: str, params: Mapping[str, str] | None) -> str:
        request = requests.Request("GET", f"{self.base_url}{path}", params=dict(params or {}))
        return request.prepare().url or f"{self.base_url}{path}"

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1``."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        # "Equal jitter": at least half the exponential step, so that
        # back-off still grows, plus a random half so clients spread out.
        delay = ceiling / 2 + ceiling / 2 * self._jitter()
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self._now())

    def get_json(
        self, path: str, params: Mapping[str, str] | None = None, *, subject: str | None = None
    ) -> Any:
        """GET ``base_url + path`` and decode its JSON, retrying transient faults.

        Args:
            subject: the NCT id this request is about; names a 404.

        Raises:
            StudyNotFoundError: HTTP 404.
            RegistryError: any other HTTP error, or transient faults that
                outlasted ``max_attempts``.
        """
        url = self._url(path, params)
        last = "no answer"
        last_status: int | None = None
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.wait()
            self.stats.requests += 1
            retry_after: float | None = None
            try:
                response = self.session.get(
                    f"{self.base_url}{path}",
                    params=dict(params or {}),
                    timeout=self.timeout,
                    allow_redirects=True,
                )
                status = response.status_code
                self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
                last_status = status
                if status == 200:
                    try:
                        return json.loads(response.content)
                    except ValueError:
                        last = f"HTTP 200 with a truncated or non-JSON body ({len(response.content)} bytes)"
                elif status == 404:
                    raise StudyNotFoundError(
                        subject or url, f"no such study (HTTP 404 from {url})", status=404
                    )
                elif status in RETRY_STATUSES:
                    last = f"HTTP {status} {response.reason or ''}".strip()
                    retry_after = self._retry_after(response)
                    if retry_after is not None and retry_after > self.max_retry_after:
                        raise RegistryError(
                            url,
                            f"HTTP {status}; the registry asks to retry after "
                            f"{retry_after:.0f} s, try again later",
                            status=status,
                        )
                else:
                    detail = " ".join(response.text.split())[:200]
                    raise RegistryError(
                        url,
                        f"HTTP {status} {response.reason or ''}: {detail}".strip(" :"),
                        status=status,
                    )
            except requests.exceptions.Timeout as exc:
                last = f"timed out ({type(exc).__name__})"
                last_status = None
            except requests.exceptions.ConnectionError as exc:
                last = f"connection failed ({type(exc).__name__})"
                last_status = None
            except requests.exceptions.ChunkedEncodingError as exc:
                last = f"truncated response ({type(exc).__name__})"
            except requests.exceptions.ContentDecodingError as exc:
                last = f"undecodable response ({type(exc).__name__})"
            except requests.exceptions.RequestException as exc:
                raise RegistryError(url, f"request failed: {exc}") from exc
            if attempt < self.max_attempts:
                self.stats.retries += 1
                self._sleep(self._delay(attempt, retry_after))
        status_text = f"; last status {last_status}" if last_status else ""
        raise RegistryError(
            url,
            f"gave up after {self.max_attempts} attempts: {last}{status_text}",
            status=last_status,
        )

    # ------------------------------------------------------------- the API

    def get_study(self, nct_id: str, *, fields: Sequence[str] | None = None) -> dict[str, Any]:
        """One study as a raw API v2 dict; an aliased id follows the registry's 301.

        Raises:
            StudyNotFoundError: the registry has no such study.
        """
        wanted = normalize_nct_id(nct_id)
        if not NCT_ID.match(wanted):
            raise StudyNotFoundError(nct_id, "not an NCT id (NCT followed by 8 digits)")
        params = {"fields": "|".join(fields)} if fields else None
        record = self.get_json(f"/studies/{wanted}", params, subject=wanted)
        if not isinstance(record, dict):
            raise RegistryError(self._url(f"/studies/{wanted}", params), "not a study object")
        return record

    def iter_pages(
        self, params: Mapping[str, str], *, page_token: str | None = None
    ) -> Iterator[Page]:
        """Pages of ``GET /studies`` for ``params`` (see :func:`search_params`).

        The first page asks for ``countTotal``; each next page repeats the same
        parameters plus ``pageToken``. Starting from ``page_token`` resumes a
        search.
        """
        token = page_token
        first = True
        while True:
            request = dict(params)
            if token:
                request["pageToken"] = token
            elif first:
                request["countTotal"] = "true"
            payload = self.get_json("/studies", request)
            if not isinstance(payload, dict) or not isinstance(payload.get("studies"), list):
                raise RegistryError(self._url("/studies", request), "not a page of studies")
            next_token = payload.get("nextPageToken") or None
            total = payload.get("totalCount")
            yield Page(
                studies=payload["studies"],
                next_page_token=next_token,
                total_count=total if isinstance(total, int) else None,
                page_token=token,
            )
            if not next_token:
                return
            if next_token == token:
                raise RegistryError(
                    self._url("/studies", request), "the registry repeated a page token"
                )
            token = next_token
            first = False

    def iter_studies(
        self, *, page_token: str | None = None, limit: int | None = None, **search: Any
    ) -> Iterator[dict[str, Any]]:
        """Every study of a search, page after page (keywords of :func:`search_params`).

        Args:
            limit: stop after this many studies.
        """
        if limit is not None and "page_size" not in search:
            search["page_size"] = min(MAX_PAGE_SIZE, max(1, limit))
        count = 0
        for page in self.iter_pages(search_params(**search), page_token=page_token):
            for record in page.studies:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield record
            if limit is not None and count >= limit:
                return

    def iter_ids(
        self, nct_ids: Iterable[str], *, fields: Sequence[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The studies for many NCT ids, ``IDS_PER_REQUEST`` ids per request.

        Ids the registry does not return (unknown or aliased) are simply absent.
        """
        batch: list[str] = []
        for nct_id in nct_ids:
            batch.append(normalize_nct_id(nct_id))
            if len(batch) == IDS_PER_REQUEST:
                yield from self.iter_studies(ids=batch, fields=fields, page_size=len(batch))
                batch = []
        if batch:
            yield from self.iter_studies(ids=batch, fields=fields, page_size=len(batch))
