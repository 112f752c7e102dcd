"""Shared fixtures. Tests run offline; `../shared` material is optional."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = (ROOT.parent / "shared").resolve()
SAMPLES = SHARED / "reference" / "ctgov-samples"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
CORPUS = ROOT / "corpus"


def need_shared(path: Path) -> Path:
    """Skip the calling test, saying why, when a ../shared file is absent."""
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only beside a development checkout)")
    return path


@pytest.fixture
def samples() -> Path:
    return need_shared(SAMPLES)


@pytest.fixture
def gold() -> Path:
    return need_shared(GOLD)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never read or write the user's real cache or reach the real registry."""
    monkeypatch.setenv("CTPARSE_CORPUS", str(tmp_path_factory.mktemp("corpus-cache")))
    monkeypatch.setenv("CTPARSE_API_URL", "http://127.0.0.1:9/api/v2")
    monkeypatch.delenv("CTPARSE_OFFLINE", raising=False)
