"""The wheel carries corpus/ and models/, and an installed ctparse finds them.

The wheel is built offline from this checkout (hatchling from the dev
extras, no build isolation). "Installed" is simulated by unpacking the pure
Python wheel into a directory — exactly what pip does for such a wheel — and
running ctparse from there, in another working directory, so that nothing
can fall back on the checkout's top-level corpus/ or models/.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _shipped(directory: str) -> set[str]:
    base = ROOT / directory
    return {
        f"ctparse/_data/{directory}/{p.relative_to(base).as_posix()}"
        for p in base.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip(
            "hatchling is not installed (it comes with the dev extras: pip install -e '.[dev]')"
        )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("ctparse_trials-*.whl")
    return built


def test_wheel_contains_corpus_and_models(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    corpus = _shipped("corpus")
    assert "ctparse/_data/corpus/NCT05990231.page.txt" in corpus
    assert corpus <= names, sorted(corpus - names)
    models = _shipped("models")
    assert models <= names, sorted(models - names)
    assert "ctparse/readers/page.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_finds_its_data_and_shows_the_seeds(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import json, ctparse, ctparse.resources as r;"
        "from ctparse.cli import main;"
        "print(json.dumps([ctparse.__file__, str(r.shipped_corpus_dir()), str(r.models_dir())]));"
        "sys.stdout.flush();"
        "main(['show', '--offline', '--format', 'jsonl', 'NCT05990231', sys.argv[2]])"
    )
    env = {**os.environ, "CTPARSE_CORPUS": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), "local-8446462a6559f0be"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    first, *studies = result.stdout.splitlines()
    package, corpus_dir, models_dir = json.loads(first)
    assert Path(package).is_relative_to(site)
    assert Path(corpus_dir) == site / "ctparse" / "_data" / "corpus"
    assert Path(models_dir) == site / "ctparse" / "_data" / "models"
    shown = [json.loads(line) for line in studies]
    assert [s["nct_id"] for s in shown] == ["NCT05990231", None]
    assert shown[1]["local_id"] == "local-8446462a6559f0be"
    assert Path(shown[0]["source"]["location"]).is_relative_to(site)


def test_installed_wheel_loads_the_entity_model(wheel, tmp_path):
    assert wheel.stat().st_size < 30 * 2**20
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import sys, json; sys.path.insert(0, sys.argv[1]);"
        "from ctparse.nlp.recognizer import model_path, recognize;"
        "print(json.dumps([str(model_path()), recognize(['Prior treatment with pembrolizumab'])]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    folder, found = json.loads(result.stdout)
    assert Path(folder) == site / "ctparse" / "_data" / "models" / "entities"
    assert [21, 34, "drug"] in found[0]
