"""Fixtures shared by several test files."""

from __future__ import annotations

import os

import pytest


def _missing(reason: str) -> None:
    """Skip where PostgreSQL is missing, except in CI (TUI_TUTOR_REQUIRE_POSTGRES=1), which must never skip."""
    if os.environ.get("TUI_TUTOR_REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_cluster():
    """A real PostgreSQL server for the whole session (tests/postgres_cluster.py), stopped at the end."""
    from postgres_cluster import Cluster, find_binaries

    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed: pip install -e '.[test]' brings it")
    bin_dir = find_binaries()
    if bin_dir is None:
        _missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql")
    cluster = Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """The URL of an empty database of this test's own (a schema of its own on the session's server)."""
    return postgres_cluster.fresh_url()
