"""A PostgreSQL server the soak may restart: a private cluster made for the run, or the machine's own.

The soak restarts PostgreSQL once. Restarting the machine's shared cluster would break whatever else uses it
(other test runs), so by default the soak makes a throwaway cluster of its own with the machine's PostgreSQL
binaries (initdb in a temporary folder, on a free loopback port), restarts that one, and deletes it after.
`--system-cluster` uses the machine's cluster instead (found with pg_lsclusters, restarted with pg_ctlcluster).
When neither can be done, `restart()` says why and the soak reports that it could not restart PostgreSQL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Cluster:
    url: str  # postgresql+asyncpg://user@127.0.0.1:port/postgres (an admin database on it)
    restart_command: list[str] | None  # None: this cluster cannot be restarted from here
    why_not: str = ""

    def restart(self) -> str | None:
        """Restart the server (fast shutdown: open connections are cut, as in a crash or failover);
        None when done, else why it could not be."""
        if self.restart_command is None:
            return self.why_not
        done = subprocess.run(self.restart_command, capture_output=True, text=True, timeout=120)
        return None if done.returncode == 0 else (done.stderr or done.stdout).strip()[-300:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A new cluster on a free loopback port, trust authentication, deleted afterwards."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [shutil.which("pg_ctl") or ""]
    if not found[-1]:
        raise RuntimeError("no PostgreSQL binaries (pg_ctl) on this machine")
    bin_dir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="mla-soak-pg-"))
    data, port = folder / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w"]
    subprocess.run(_as_postgres([*ctl, "start"]), check=True, capture_output=True)
    try:
        yield Cluster(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres",
                      _as_postgres([*ctl, "-m", "fast", "restart"]))
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def system_cluster(url: str) -> Cluster:
    """The machine's cluster serving `url` (its port), restarted with pg_ctlcluster, if it can be found."""
    port = url.rsplit(":", 1)[-1].split("/")[0]
    if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
        return Cluster(url, None, "pg_lsclusters/pg_ctlcluster not found: restart PostgreSQL by hand")
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.split("\n")
    for line in listing:
        fields = line.split()
        if len(fields) >= 3 and fields[2] == port:
            return Cluster(url, ["pg_ctlcluster", "-m", "fast", fields[0], fields[1], "restart"])
    return Cluster(url, None, f"no local cluster listens on port {port} (pg_lsclusters)")
