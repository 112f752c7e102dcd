"""The registry client against a real HTTP server on 127.0.0.1 (tests/fakeserver.py).

Time is fake: the client's clock and sleep are a counter, so back-off and the
rate limit are asserted from the recorded sleeps, never slept through.
"""

from __future__ import annotations

import email.utils
import time

import pytest
import requests
from fakeserver import FakeRegistry, Fault, make_studies, nct_id_of

from ctparse import __version__
from ctparse.errors import RegistryError, StudyNotFoundError
from ctparse.registry import RateLimiter, Registry, search_params


class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def wall(self) -> float:
        return 1_700_000_000.0 + self.now


class TimedSession(requests.Session):
    """Records the fake time at which each request leaves."""

    def __init__(self, fake_time: FakeTime) -> None:
        super().__init__()
        self.fake_time = fake_time
        self.sent_at: list[float] = []

    def request(self, *args, **kwargs):  # type: ignore[override]
        self.sent_at.append(self.fake_time.clock())
        return super().request(*args, **kwargs)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def server():
    studies = make_studies(2500)
    aliases = {"NCT09999999": nct_id_of(studies[3])}
    with FakeRegistry(studies, aliases=aliases) as fake:
        yield fake


def client(server: FakeRegistry, fake_time: FakeTime, **kwargs) -> Registry:
    kwargs.setdefault("timeout", (2.0, 2.0))
    kwargs.setdefault("jitter", lambda: 0.5)
    return Registry(
        server.base_url,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        now=fake_time.wall,
        **kwargs,
    )


def test_constructor_does_no_network_work() -> None:
    class Exploding(requests.Session):
        def request(self, *args, **kwargs):  # type: ignore[override]
            raise AssertionError("network used in the constructor")

    registry = Registry("http://127.0.0.1:9/api/v2", session=Exploding())
    assert registry.base_url == "http://127.0.0.1:9/api/v2"


def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTPARSE_API_URL", "http://127.0.0.1:1234/api/v2/")
    assert Registry().base_url == "http://127.0.0.1:1234/api/v2"
    monkeypatch.delenv("CTPARSE_API_URL")
    assert Registry().base_url == "https://clinicaltrials.gov/api/v2"


def test_a_search_of_2500_takes_three_requests_with_total_count(server, fake_time) -> None:
    registry = client(server, fake_time)
    pages = list(registry.iter_pages(search_params(query="study")))
    ids = [nct_id_of(s) for page in pages for s in page.studies]
    assert len(pages) == 3 == server.count("/studies")
    assert pages[0].total_count == 2500
    assert len(ids) == len(set(ids)) == 2500
    assert set(ids) == {nct_id_of(s) for s in server.studies}
    # Every next page repeats the parameters, plus the token.
    first, *rest = server.requests
    assert first.params["countTotal"] == "true" and "pageToken" not in first.params
    for seen in rest:
        assert seen.params.pop("pageToken")
        assert seen.params == {k: v for k, v in first.params.items() if k != "countTotal"}
    assert all(
        s.headers["User-Agent"].startswith(f"ctparse/{__version__}") for s in server.requests
    )


def test_small_pages_lose_and_repeat_nothing(server, fake_time) -> None:
    registry = client(server, fake_time, rate=1e9)
    ids = [nct_id_of(s) for s in registry.iter_studies(cond="melanoma", page_size=7)]
    expected = [nct_id_of(s) for s in server.studies if "Melanoma" in str(s)]
    assert ids == expected and len(ids) == 625
    assert server.count("/studies") == 90  # ceil(625 / 7)


def test_limit_stops_early_and_shrinks_the_page(server, fake_time) -> None:
    registry = client(server, fake_time)
    assert len(list(registry.iter_studies(query="cancer", limit=15))) == 15
    assert server.requests[0].params["pageSize"] == "15"
    assert server.count("/studies") == 1


def test_rate_limit_spaces_requests(server, fake_time) -> None:
    session = TimedSession(fake_time)
    registry = client(server, fake_time, rate=50, session=session)
    list(registry.iter_studies(query="study", page_size=100))  # 25 pages
    gaps = [b - a for a, b in zip(session.sent_at, session.sent_at[1:], strict=False)]
    assert len(session.sent_at) == 25
    assert min(gaps) >= 1.2 - 1e-9  # 60 s / 50 requests
    # never more than 50 requests in any 60-second window
    for i, start in enumerate(session.sent_at):
        assert sum(1 for t in session.sent_at[i:] if t < start + 60) <= 50


def test_rate_limiter_does_not_wait_when_idle(fake_time) -> None:
    limiter = RateLimiter(60, clock=fake_time.clock, sleep=fake_time.sleep)
    limiter.wait()
    fake_time.now += 5
    limiter.wait()
    limiter.wait()
    assert fake_time.sleeps == [1.0]


def test_429_honours_retry_after_seconds(server, fake_time) -> None:
    server.faults.append(Fault("status", status=429, headers={"Retry-After": "7"}))
    record = client(server, fake_time, rate=1e9).get_study(nct_id_of(server.studies[0]))
    assert record == server.studies[0]
    assert [s for s in fake_time.sleeps if s > 0.01] == [7.0]


def test_429_honours_retry_after_http_date(server, fake_time) -> None:
    when = email.utils.formatdate(fake_time.wall() + 30, usegmt=True)
    server.faults.append(Fault("status", status=429, headers={"Retry-After": when}))
    client(server, fake_time, rate=1e9).get_study(nct_id_of(server.studies[0]))
    assert len(fake_time.sleeps) == 1 and 29 <= fake_time.sleeps[0] <= 31


def test_a_retry_after_beyond_patience_is_an_error(server, fake_time) -> None:
    server.faults.append(Fault("status", status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(RegistryError, match="retry after 3600 s") as info:
        client(server, fake_time, rate=1e9).get_study(nct_id_of(server.studies[0]))
    assert info.value.status == 429 and server.base_url in info.value.one_line()


def test_503_backs_off_exponentially_with_jitter(server, fake_time) -> None:
    for _ in range(3):
        server.faults.append(Fault("status", status=503))
    registry = client(server, fake_time, rate=1e9, backoff=1.0)
    assert registry.get_study(nct_id_of(server.studies[1])) == server.studies[1]
    # equal jitter with jitter()=0.5: 3/4 of 1, 2, 4 seconds
    assert fake_time.sleeps == [0.75, 1.5, 3.0]
    assert registry.stats.retries == 3 and server.count() == 4


@pytest.mark.parametrize("jitter", [0.0, 0.999])
def test_jitter_stays_within_half_to_full_step(server, fake_time, jitter) -> None:
    for _ in range(4):
        server.faults.append(Fault("status", status=502))
    registry = client(server, fake_time, rate=1e9, backoff=2.0, jitter=lambda: jitter)
    registry.get_study(nct_id_of(server.studies[1]))
    for attempt, slept in enumerate(fake_time.sleeps, start=1):
        step = 2.0 * 2 ** (attempt - 1)
        assert step / 2 <= slept <= step


def test_back_off_is_capped(server, fake_time) -> None:
    for _ in range(5):
        server.faults.append(Fault("status", status=500))
    registry = client(server, fake_time, rate=1e9, backoff=10, max_backoff=15, jitter=lambda: 0.999)
    registry.get_study(nct_id_of(server.studies[1]))
    assert max(fake_time.sleeps) <= 15


@pytest.mark.parametrize("kind", ["truncate", "garbage", "drop"])
def test_broken_bodies_are_retried(server, fake_time, kind) -> None:
    server.faults.append(Fault(kind))
    registry = client(server, fake_time, rate=1e9)
    studies = list(registry.iter_studies(query="study", page_size=1000))
    assert len(studies) == 2500 and len({nct_id_of(s) for s in studies}) == 2500
    assert server.count("/studies") == 4 and registry.stats.retries == 1


def test_faults_mid_search_lose_and_repeat_nothing(server, fake_time) -> None:
    server.chaos = 3  # a 429, 503, truncated or non-JSON answer to every 3rd request
    registry = client(server, fake_time, rate=50, max_attempts=4)
    ids = [nct_id_of(s) for s in registry.iter_studies(query="study", page_size=100)]
    assert len(ids) == len(set(ids)) == 2500
    assert registry.stats.retries >= 10


def test_persistent_503_gives_up_naming_url_and_status(server, fake_time) -> None:
    for _ in range(10):
        server.faults.append(Fault("status", status=503))
    registry = client(server, fake_time, rate=1e9, max_attempts=4)
    with pytest.raises(RegistryError) as info:
        registry.get_study("NCT10000001")
    message = info.value.one_line()
    assert "/studies/NCT10000001" in message and "503" in message and "4 attempts" in message
    assert info.value.status == 503 and server.count() == 4 and len(fake_time.sleeps) == 3


def test_alias_follows_the_301(server, fake_time) -> None:
    record = client(server, fake_time).get_study("nct09999999")
    assert nct_id_of(record) == nct_id_of(server.studies[3])
    assert [r.answer for r in server.requests] == ["301", "200"]


def test_404_is_no_such_study_without_retries(server, fake_time) -> None:
    with pytest.raises(StudyNotFoundError, match="no such study") as info:
        client(server, fake_time).get_study("NCT00000001")
    assert info.value.input == "NCT00000001" and info.value.status == 404
    assert server.count() == 1 and fake_time.sleeps == []


def test_invalid_page_token_is_a_400_error_without_retries(server, fake_time) -> None:
    registry = client(server, fake_time)
    with pytest.raises(RegistryError, match="HTTP 400") as info:
        list(registry.iter_pages(search_params(query="cancer"), page_token="bogus"))
    assert "pageToken=bogus" in info.value.one_line() and info.value.status == 400
    assert server.count() == 1


def test_a_server_that_stops_answering_times_out(server, fake_time) -> None:
    server.faults.extend(Fault("hang", seconds=2) for _ in range(3))
    registry = client(server, fake_time, rate=1e9, timeout=(1.0, 0.2), max_attempts=3)
    started = time.monotonic()
    with pytest.raises(RegistryError, match="timed out") as info:
        registry.get_study("NCT10000002")
    assert time.monotonic() - started < 5
    assert "/studies/NCT10000002" in info.value.one_line() and info.value.status is None


def test_a_dead_port_is_a_connection_error(fake_time) -> None:
    registry = Registry(
        "http://127.0.0.1:9/api/v2",
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        max_attempts=2,
        timeout=(0.5, 0.5),
    )
    with pytest.raises(RegistryError, match="connection failed"):
        registry.get_study("NCT10000002")


def test_ids_are_batched(server, fake_time) -> None:
    registry = client(server, fake_time, rate=1e9)
    wanted = [nct_id_of(s) for s in server.studies[::5]]  # 500 ids
    got = [nct_id_of(s) for s in registry.iter_ids(wanted)]
    assert got == wanted
    assert server.count("/studies") == 3  # 200 ids per request


def test_since_filters_by_last_update_post_date(fake_time) -> None:
    studies = make_studies(10) + make_studies(5, start=10, last_update="2025-06-01")
    with FakeRegistry(studies) as fake:
        registry = client(fake, fake_time)
        got = list(registry.iter_studies(since="2025-01-01"))
        advanced = fake.requests[0].params["filter.advanced"]
    assert advanced == "AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]"
    assert [nct_id_of(s) for s in got] == [nct_id_of(s) for s in studies[10:]]
