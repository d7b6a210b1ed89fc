"""Shared fixtures: small real corpora and indexes built in tmp dirs, on both engines.

``app`` / ``client`` are parametrised over the engines: every test that uses
them runs against the embedded Whoosh index and against the same corpus in a
real 3-node OpenSearch cluster (``opensearch_cluster``, started once per
session, stopped at its end).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.pipeline import sync
from searchcore.engines import EngineConfig
from searchsvc import Config, create_app

pytest_plugins = ["tests.opensearch_fixtures"]

#: The engines every parametrised suite runs on.
ENGINES = ("whoosh", "opensearch")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SHARED = ROOT.parent / "shared"
SEED_KK = "000_ffdf401c86768c7b"
SEED_RU = "003_c9c83d9a46de0ec2"

#: Extra articles the tests need beyond the real sample: hostile markup.
HOSTILE = {
    "xss_script": (
        " date 2024-04-15 Тест <script>alert('x')</script> заголовок\n"
        "Тело статьи с <script>document.title='pwned'</script> и <img src=x onerror=alert(1)> "
        'и ссылкой <a href="javascript:alert(2)">клик</a> про сквер.'
    ),
}


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded sample corpus plus the hostile test articles."""
    folder = tmp_path_factory.mktemp("corpus")
    for src in SAMPLE.glob("*.txt"):
        shutil.copy(src, folder / src.name)
    for name, text in HOSTILE.items():
        write_article(folder, name, text)
    return folder


@pytest.fixture(scope="session")
def sample_index(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of :func:`sample_corpus`, built once per session (read-only!)."""
    index_dir = tmp_path_factory.mktemp("index")
    summary = sync(sample_corpus, index_dir, fresh=True)
    assert summary.documents == len(list(sample_corpus.glob("*.txt")))
    return index_dir


@pytest.fixture(scope="session")
def opensearch_urls(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """Node URLs of the test cluster (all of them, so a client can route around a dead node).

    ``KAZRU_TEST_OPENSEARCH_URL`` points the tests at an already running cluster instead
    (``python -m cluster up``) for quick local iterations.
    """
    override = os.environ.get("KAZRU_TEST_OPENSEARCH_URL")
    if override:
        return tuple(u.strip() for u in override.split(",") if u.strip())
    return tuple(request.getfixturevalue("opensearch_cluster").urls)


@pytest.fixture(scope="session")
def opensearch_sample(sample_corpus: Path, opensearch_urls: tuple[str, ...]) -> EngineConfig:
    """:func:`sample_corpus` indexed into the cluster (3 shards, 1 replica), read-only!"""
    from backends.opensearch import OpenSearchSettings, OpenSearchStore

    settings = OpenSearchSettings(urls=opensearch_urls, index="sample_session", timeout=60.0)
    summary = sync(sample_corpus, OpenSearchStore(settings, shards=3, replicas=1), fresh=True)
    assert summary.documents == len(list(sample_corpus.glob("*.txt")))
    return EngineConfig("opensearch", opensearch=settings)


@pytest.fixture(scope="session", params=ENGINES)
def app(request: pytest.FixtureRequest, sample_index: Path) -> Flask:
    if request.param == "whoosh":
        return create_app(Config(index_dir=sample_index))
    return create_app(Config(engine=request.getfixturevalue("opensearch_sample")))


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Iterator[Path]:
    """A writable corpus of the two seed articles, for tests that change files."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (SEED_KK, SEED_RU):
        shutil.copy(SAMPLE / f"{name}.txt", folder / f"{name}.txt")
    yield folder
