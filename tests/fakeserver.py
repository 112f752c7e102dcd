"""A local fake of the ClinicalTrials.gov API v2, for tests, benchmarks and by hand.

A real HTTP server (``http.server`` in a thread) on 127.0.0.1 that answers
``GET /api/v2/studies`` (paging with opaque tokens, ``countTotal``,
``filter.ids``, ``filter.advanced`` LastUpdatePostDate ranges, a small Essie
subset for ``query.*``, ``fields``) and ``GET /api/v2/studies/{nctId}`` (301 for
an alias, 404), and injects faults on demand: an HTTP status with
``Retry-After``, a truncated body, a non-JSON body, a hang, a dropped
connection.

In a test::

    with FakeRegistry(make_studies(2500)) as server:
        registry = Registry(server.base_url, ...)
        server.faults.append(Fault("status", status=429, headers={"Retry-After": "2"}))

By hand (faults every 5th request, 0.2 s per answer)::

    python tests/fakeserver.py --studies 3000 --port 8765 --chaos 5 --delay 0.2
    CTPARSE_API_URL=http://127.0.0.1:8765/api/v2 ctparse fetch --query cancer
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API = "/api/v2"

CONDITIONS = ("Esophageal Squamous Cell Carcinoma", "Breast Cancer", "Lung Cancer", "Melanoma")
DRUGS = ("Camrelizumab", "Anlotinib", "Paclitaxel", "Docetaxel", "Inavolisib", "Placebo")


def make_study(index: int, *, last_update: str = "2024-02-23") -> dict[str, Any]:
    """A small but realistically shaped API v2 study record."""
    nct_id = f"NCT{10_000_000 + index:08d}"
    condition = CONDITIONS[index % len(CONDITIONS)]
    drugs = [DRUGS[index % len(DRUGS)], DRUGS[(index + 1) % len(DRUGS)]]
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct_id,
                "orgStudyInfo": {"id": f"ORG-{index}"},
                "briefTitle": f"Study {index} of {drugs[0]} in {condition}",
                "officialTitle": f"A Phase 2 Study {index} of {drugs[0]} Plus {drugs[1]} "
                f"in Patients With {condition}",
            },
            "statusModule": {
                "overallStatus": "RECRUITING",
                "lastUpdatePostDateStruct": {"date": last_update, "type": "ACTUAL"},
            },
            "conditionsModule": {"conditions": [condition]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]},
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": name} for name in drugs]
            },
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* Age \\>= 18 years\n"
                "* ECOG 0-1\n* ANC \\>= 1.5 x 10^9/L\n\nExclusion Criteria:\n\n"
                "* Prior therapy within 4 weeks",
                "sex": "ALL",
                "minimumAge": "18 Years",
            },
        },
        "hasResults": False,
    }


def make_studies(count: int, *, start: int = 0, last_update: str = "2024-02-23") -> list[dict]:
    return [make_study(i, last_update=last_update) for i in range(start, start + count)]


def nct_id_of(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["identificationModule"]["nctId"])


@dataclass
class Fault:
    """One injected fault, used by the next matching request.

    ``kind``: ``status`` (send ``status`` with ``headers``), ``truncate`` (a
    200 whose body stops half-way), ``garbage`` (a 200 that is not JSON),
    ``hang`` (answer nothing for ``seconds``), ``drop`` (close the connection).
    ``path``: only requests whose path contains this string.
    """

    kind: str
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 5.0
    path: str = ""


@dataclass
class Seen:
    """One request the server received."""

    path: str
    params: dict[str, str]
    at: float
    headers: dict[str, str] = field(default_factory=dict)
    answer: str = ""


_ADVANCED = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),\s*MAX\]")
_FIELDS = {
    "nctid": ("identificationModule", "nctId"),
    "brieftitle": ("identificationModule", "briefTitle"),
    "officialtitle": ("identificationModule", "officialTitle"),
    "lastupdatepostdate": ("statusModule", "lastUpdatePostDateStruct"),
    "interventionname": ("armsInterventionsModule", "interventions"),
    "condition": ("conditionsModule", "conditions"),
}


def _essie(expression: str, text: str) -> bool:
    """A tiny Essie subset: ``a b OR c`` matches when all of a group's words occur."""
    text = text.lower()
    groups = re.split(r"\s+OR\s+", expression.strip())
    for group in groups:
        words = [w for w in re.findall(r"[\w-]+", group.lower()) if w not in {"and"}]
        if words and all(w in text for w in words):
            return True
    return False


def _project(study: dict[str, Any], fields: str) -> dict[str, Any]:
    protocol = study["protocolSection"]
    out: dict[str, Any] = {}
    for name in re.split(r"[|,]", fields):
        where = _FIELDS.get(name.strip().lower())
        if where is None:
            continue
        module, key = where
        if key in protocol.get(module, {}):
            out.setdefault(module, {})[key] = copy.deepcopy(protocol[module][key])
    return {"protocolSection": out}


class FakeRegistry:
    """The fake API. ``studies`` in registry order; ``aliases`` old id → new id."""

    def __init__(
        self,
        studies: Iterable[dict[str, Any]] = (),
        *,
        aliases: dict[str, str] | None = None,
        delay: float = 0.0,
        chaos: int = 0,
        port: int = 0,
    ) -> None:
        self.studies = list(studies)
        self.aliases = dict(aliases or {})
        self.delay = delay
        self.chaos = chaos  # inject a fault into every chaos-th request (0: never)
        self.faults: deque[Fault] = deque()
        self.files: dict[str, Path] = {}  # URL path -> a file served as is (bulk archives)
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeRegistry:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeRegistry:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{API}"

    def count(self, path_part: str = "") -> int:
        with self._lock:
            return sum(1 for r in self.requests if path_part in r.path)

    # ------------------------------------------------------------- answers

    def _next_fault(self, path: str, number: int) -> Fault | None:
        with self._lock:
            for fault in list(self.faults):
                if fault.path in path:
                    self.faults.remove(fault)
                    return fault
        if self.chaos and number % self.chaos == 0:
            cycle = (number // self.chaos) % 4
            return [
                Fault("status", status=429, headers={"Retry-After": "1"}),
                Fault("status", status=503),
                Fault("truncate"),
                Fault("garbage"),
            ][cycle]
        return None

    def _key(self, params: dict[str, str]) -> str:
        stable = {k: v for k, v in sorted(params.items()) if k not in _PAGING}
        return hashlib.sha256(json.dumps(stable).encode()).hexdigest()[:12]

    def token(self, offset: int, params: dict[str, str]) -> str:
        raw = f"{offset}:{self._key(params)}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _offset(self, token: str, params: dict[str, str]) -> int | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            offset, key = raw.split(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return int(offset) if key == self._key(params) and offset.isdigit() else None

    def matching(self, params: dict[str, str]) -> list[dict[str, Any]]:
        studies = self.studies
        if "filter.ids" in params:
            wanted = set(re.split(r"[,|\s]+", params["filter.ids"].upper()))
            studies = [s for s in studies if nct_id_of(s) in wanted]
        for name, area in (
            ("query.term", lambda p: json.dumps(p)),
            ("query.titles", lambda p: json.dumps(p.get("identificationModule", {}))),
            ("query.intr", lambda p: json.dumps(p.get("armsInterventionsModule", {}))),
            ("query.cond", lambda p: json.dumps(p.get("conditionsModule", {}))),
        ):
            if params.get(name):
                studies = [s for s in studies if _essie(params[name], area(s["protocolSection"]))]
        match = _ADVANCED.search(params.get("filter.advanced", ""))
        if match:
            since = match.group(1)
            studies = [
                s
                for s in studies
                if s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] >= since
            ]
        return studies

    def answer_list(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        try:
            size = int(params.get("pageSize") or 10) or 10
        except ValueError:
            return 400, {}, b"pageSize must be an integer"
        size = min(size, 1000)
        offset = 0
        if "pageToken" in params:
            found = self._offset(params["pageToken"], params)
            if found is None:
                return 400, {}, b"Invalid pageToken"
            offset = found
        studies = self.matching(params)
        chunk = studies[offset : offset + size]
        if params.get("fields"):
            chunk = [_project(s, params["fields"]) for s in chunk]
        payload: dict[str, Any] = {"studies": chunk}
        if "pageToken" not in params and params.get("countTotal") == "true":
            payload["totalCount"] = len(studies)
        if offset + size < len(studies):
            payload["nextPageToken"] = self.token(offset + size, params)
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    def answer_study(self, nct_id: str, query: str) -> tuple[int, dict[str, str], bytes]:
        if not re.fullmatch(r"(NCT|nct)\d{8}", nct_id):
            return 400, {}, b"Invalid NCT number"
        nct_id = nct_id.upper()
        if nct_id in self.aliases:
            location = f"{API}/studies/{self.aliases[nct_id]}" + (f"?{query}" if query else "")
            return 301, {"Location": location}, b""
        for study in self.studies:
            if nct_id_of(study) == nct_id:
                return 200, {"Content-Type": "application/json"}, json.dumps(study).encode()
        return 404, {}, f"Study {nct_id} not found".encode()


_PAGING = {"pageToken", "pageSize", "countTotal"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeRegistry
    server_version = "FakeCTgov/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        seen = Seen(split.path, params, time.monotonic(), dict(self.headers.items()))
        with fake._lock:
            fake.requests.append(seen)
            number = len(fake.requests)
        if fake.delay:
            time.sleep(fake.delay)
        fault = fake._next_fault(split.path, number)
        if fault is not None:
            seen.answer = fault.kind if fault.kind != "status" else str(fault.status)
            self._fault(fault)
            return
        if split.path in fake.files:
            self._send_file(fake.files[split.path])
            return
        if split.path == f"{API}/studies":
            status, headers, body = fake.answer_list(params)
        elif split.path.startswith(f"{API}/studies/"):
            status, headers, body = fake.answer_study(split.path.rsplit("/", 1)[1], split.query)
        else:
            status, headers, body = 404, {}, b"Not found"
        seen.answer = str(status)
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/plain", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_file(self, path: Path) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(path.stat().st_size))
        self.end_headers()
        with open(path, "rb") as stream:
            while chunk := stream.read(1024 * 1024):
                self.wfile.write(chunk)

    def _fault(self, fault: Fault) -> None:
        if fault.kind == "status":
            self._send(fault.status, fault.headers, b"injected fault")
        elif fault.kind == "truncate":
            body = json.dumps({"studies": [make_study(0)] * 5}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault.kind == "garbage":
            self._send(200, {"Content-Type": "text/html"}, b"<html>Service temporarily odd</html>")
        elif fault.kind == "hang":
            time.sleep(fault.seconds)
            self.close_connection = True
        elif fault.kind == "drop":
            self.close_connection = True
        else:  # pragma: no cover - a typo in a test
            raise ValueError(fault.kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a fake CT.gov API v2 on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--studies", type=int, default=2500, help="how many studies to serve")
    parser.add_argument("--chaos", type=int, default=0, help="a fault every N-th request")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--alias", action="append", default=[], metavar="OLD=NEW", help="an aliased NCT id"
    )
    args = parser.parse_args(argv)
    aliases = dict(a.upper().split("=", 1) for a in args.alias)
    fake = FakeRegistry(
        make_studies(args.studies),
        aliases=aliases,
        delay=args.delay,
        chaos=args.chaos,
        port=args.port,
    ).start()
    print(f"fake registry at {fake.base_url} ({len(fake.studies)} studies)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
