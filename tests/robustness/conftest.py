"""Fixtures for the robustness tests: a hostile corpus, its index, an app on it.

The hostile articles carry markup a public corpus can contain (script tags,
event-handler attributes, ``javascript:`` links, pre-escaped entities, a fake
``<mark>``, template syntax, bidi controls); every one must come back as text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.pipeline import sync
from searchsvc import Config, create_app
from tests.conftest import HOSTILE, SAMPLE, SEED_KK, SEED_RU, write_article

ROOT = Path(__file__).resolve().parents[2]

#: Query words that occur in every hostile article, so one search shows them all.
HOSTILE_WORD = "сквер"
HOSTILE_ARTICLES = {
    **HOSTILE,
    "xss_title": (
        " date 2024-05-01 <script>alert('t')</script> сквер <img src=x onerror=alert(1)> \"><svg onload=alert(2)>\n"
        "Сквер: <a href=\"javascript:alert(3)\">ссылка</a> и <a href='JaVaScRiPt:alert(4)'>вторая</a>.\n"
        "Уже экранировано: &lt;script&gt;alert(5)&lt;/script&gt; и &amp;amp; в сквере.\n"
        "Поддельная подсветка <mark>сквер</mark> и <b onmouseover=alert(6)>жирный</b> сквер.\n"
        "</textarea></title><script src=//evil.example/x.js></script> {{ 7*7 }} {% raw %} сквер"
    ),
    "xss_kk": (
        " date 2024-05-02 Саябақ <iframe src=javascript:alert(7)> сквер\n"
        "Алматыдағы саябақ <style>body{display:none}</style> және <object data=x> сквер туралы.\n"
        "\u202eRTL override\u202c және \u200fбелгі\u200e, эмодзи 🌳 сквер <svg/onload=alert(8)>"
    ),
    "xss_attr": (
        " date 2024-05-03 Сквер ' onfocus='alert(9)' autofocus x='\n"
        'Сквер " onmouseover="alert(10)" и <img src="x" onerror="alert(11)"> в тексте про сквер.'
    ),
}
#: Substrings that must never appear unescaped in any HTML we send.
DANGEROUS = ("<script", "<img", "<svg", "<iframe", "<style", "<object", "<b ", "</textarea", "</title")


@pytest.fixture(scope="session")
def hostile_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two seed articles plus the hostile ones."""
    folder = tmp_path_factory.mktemp("hostile-corpus")
    for name in (SEED_KK, SEED_RU):
        shutil.copy(SAMPLE / f"{name}.txt", folder / f"{name}.txt")
    for name, text in HOSTILE_ARTICLES.items():
        write_article(folder, name, text)
    return folder


@pytest.fixture(scope="session")
def hostile_index(hostile_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("hostile-index")
    summary = sync(hostile_corpus, index_dir, fresh=True)
    assert summary.documents == len(HOSTILE_ARTICLES) + 2, summary
    return index_dir


@pytest.fixture(scope="session")
def hostile_app(hostile_index: Path) -> Flask:
    return create_app(Config(index_dir=hostile_index))


@pytest.fixture()
def hostile_client(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


#: Synthetic articles for the time-budget test: the relevance path looks at the
#: clock every 1024 matches, so a partial answer needs more matches than that.
BIG_DOCS = 1500


@pytest.fixture(scope="session")
def big_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of :data:`BIG_DOCS` short articles that all match "новости"."""
    corpus = tmp_path_factory.mktemp("big-corpus")
    for i in range(BIG_DOCS):
        day = 1 + i % 28
        write_article(
            corpus,
            f"n{i:05d}",
            f" date 2024-{1 + i % 12:02d}-{day:02d} Новости номер {i}\nКороткие новости дня {i} о сквере.",
        )
    index_dir = tmp_path_factory.mktemp("big-index")
    assert sync(corpus, index_dir, fresh=True).documents == BIG_DOCS
    return index_dir


def run_indexer(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m indexer ARGS`` in a subprocess, as an operator would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-m", "indexer", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )
