"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` in a temporary folder, ``pg_ctl start``,
reached through a Unix socket in that folder (no port to clash with), stopped and removed at the end.

PostgreSQL refuses to run as root; as root the cluster is made and run by ``nobody`` (its folder owned by it).
Connections are trusted: only processes on this machine that can reach the socket's folder get in.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


class Cluster:
    """``start()``; ``url(schema)`` for a database URL whose tables live in their own schema; ``stop()``."""

    def __init__(self, bin_dir: Path, max_connections: int = 200) -> None:
        self.bin_dir, self.max_connections = bin_dir, max_connections
        self.folder = Path(tempfile.mkdtemp(prefix="tui-tutor-pg-"))
        self.data = self.folder / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            os.chown(self.folder, 65534, 65534)  # nobody
            self._as = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        else:
            os.chmod(self.folder, 0o700)

    def _run(self, *argv: str, timeout: float = 60) -> None:
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        done = subprocess.run([*self._as, *argv], capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> Cluster:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "tuitutor", "--auth=trust", "-N",
                  "-E", "UTF8", "--no-instructions")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c fsync=off"
                   f" -c max_connections={self.max_connections} -c synchronous_commit=on")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                  "-t", "60", "-o", options, "start")
        return self

    def url(self, schema: str | None = None) -> str:
        """A URL of the ``postgres`` database; with ``schema``, one whose tables are all in that schema."""
        base = f"postgresql://tuitutor@/postgres?host={self.folder}"
        return base + (f"&options=-csearch_path%3D{schema}" if schema else "")

    def fresh_url(self) -> str:
        """A URL to an empty schema of its own: a test's own database, for the cost of one statement."""
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return self.url(schema)

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
