"""Registry benchmark: requests per search, bulk-archive throughput, peak memory.

Runs against the local fake registry (tests/fakeserver.py) on 127.0.0.1 and a
generated all-studies archive whose members are the real sample study
(``reference/ctgov-samples/api_v2_study_NCT05894239.json``, ~16 kB) with new
NCT ids. Figures are printed (medians of a few runs), not asserted.

    python benchmarks/bench_registry.py --shared ../shared
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

SEARCH_STUDIES = 2500
BULK_SIZES = (5_000, 20_000)
RUNS = 3

_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from ctparse.bulk import iter_bulk, mirror_bulk
from ctparse.corpus import Corpus
archive, corpus_dir = sys.argv[1], sys.argv[2]
started = time.perf_counter()
with open(archive, "rb") as stream:
    if corpus_dir == "-":
        count = sum(1 for item in iter_bulk(stream) if item.record is not None)
    else:
        with Corpus(Path(corpus_dir)) as corpus:
            count = mirror_bulk(corpus, stream).read
seconds = time.perf_counter() - started
# VmHWM: this process's own peak (ru_maxrss survives exec on Linux and would
# report the parent's peak)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
status = Path("/proc/self/status")
if status.is_file():
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
print(json.dumps({"count": count, "seconds": seconds, "max_rss_mb": peak}))
"""


def _template(shared: Path) -> dict[str, Any]:
    sample = shared / "reference" / "ctgov-samples" / "api_v2_study_NCT05894239.json"
    if sample.is_file():
        return dict(json.loads(sample.read_text(encoding="utf-8")))
    from fakeserver import make_study

    return make_study(0)


def _studies(template: dict[str, Any], count: int) -> list[dict[str, Any]]:
    text = json.dumps(template)
    original = template["protocolSection"]["identificationModule"]["nctId"]
    return [json.loads(text.replace(original, f"NCT{20_000_000 + i:08d}")) for i in range(count)]


def bench_search(template: dict[str, Any]) -> dict[str, Any]:
    from fakeserver import FakeRegistry

    from ctparse.corpus import Corpus
    from ctparse.mirror import mirror_search
    from ctparse.registry import Registry, search_params

    studies = _studies(template, SEARCH_STUDIES)
    requests, seconds, stored = [], [], []
    for _ in range(RUNS):
        with FakeRegistry(studies) as fake, tempfile.TemporaryDirectory() as tmp:
            # The default rate limit (50 / min) is in force: 3 requests, 2 waits.
            registry = Registry(fake.base_url)
            started = time.perf_counter()
            with Corpus(Path(tmp)) as corpus:
                report = mirror_search(registry, corpus, search_params(query="breast"))
            seconds.append(time.perf_counter() - started)
            requests.append(fake.count("/studies"))
            stored.append(report.new)
    result = {
        "studies": SEARCH_STUDIES,
        "page_size": 1000,
        "requests": int(statistics.median(requests)),
        "stored": int(statistics.median(stored)),
        "seconds_median": round(statistics.median(seconds), 2),
    }
    print(
        f"search: {result['stored']} studies in {result['requests']} requests at page size "
        f"1000 ({result['seconds_median']} s median, rate limit 50/min in force)"
    )
    return result


def _measure(archive: Path, corpus_dir: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(archive), corpus_dir],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout))


def bench_bulk(template: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    text = json.dumps(template)
    original = template["protocolSection"]["identificationModule"]["nctId"]
    with tempfile.TemporaryDirectory() as tmp:
        for size in BULK_SIZES:
            archive = Path(tmp) / f"ctg-studies-{size}.json.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
                for i in range(size):
                    nct_id = f"NCT{20_000_000 + i:08d}"
                    z.writestr(f"ctg-studies.json/{nct_id}.json", text.replace(original, nct_id))
            runs = [_measure(archive, "-") for _ in range(RUNS)]
            rate = statistics.median(r["count"] / r["seconds"] for r in runs)
            rss = statistics.median(r["max_rss_mb"] for r in runs)
            entry = {
                "members": size,
                "archive_mb": round(archive.stat().st_size / 2**20, 1),
                "read_studies_per_second": round(rate),
                "read_peak_rss_mb": round(rss, 1),
            }
            print(
                f"bulk read  {size:>6} members ({entry['archive_mb']} MB archive): "
                f"{entry['read_studies_per_second']} studies/s, peak RSS {entry['read_peak_rss_mb']} MB"
            )
            if size == BULK_SIZES[-1]:
                store = _measure(archive, str(Path(tmp) / "corpus"))
                entry["store_studies_per_second"] = round(store["count"] / store["seconds"])
                entry["store_peak_rss_mb"] = round(store["max_rss_mb"], 1)
                print(
                    f"bulk store {size:>6} members into a fresh corpus: "
                    f"{entry['store_studies_per_second']} studies/s, "
                    f"peak RSS {entry['store_peak_rss_mb']} MB"
                )
            results[str(size)] = entry
    return results


def run(shared: Path) -> dict[str, Any]:
    """Print and return the registry figures."""
    template = _template(shared)
    return {"search": bench_search(template), "bulk": bench_bulk(template)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    print(json.dumps(run(parser.parse_args().shared.resolve()), indent=2))
