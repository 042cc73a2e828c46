"""Fixtures shared by several test files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def postgres_cluster():
    """A real PostgreSQL server for the whole session (tests/postgres_cluster.py), stopped at the end."""
    from postgres_cluster import Cluster, find_binaries

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]' brings it")
    bin_dir = find_binaries()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql")
    cluster = Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """The URL of an empty database of this test's own (a schema of its own on the session's server)."""
    return postgres_cluster.fresh_url()
