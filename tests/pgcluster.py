"""A throw-away PostgreSQL cluster for the tests: initdb and pg_ctl in a temporary directory, Unix
socket only, no password. PostgreSQL refuses to run as root, so under root (CI) the cluster runs as
the `postgres` system user that Debian's package creates. `find_bindir()` is None when the programs
are missing; the tests that need the cluster then skip, saying why."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path


def find_bindir() -> Path | None:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(cand, "initdb").is_file() and Path(cand, "pg_ctl").is_file():
            return Path(cand)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + argv
    return argv


class Cluster:
    def __init__(self, base: Path, bindir: Path):
        self.base = Path(base)
        self.bindir = bindir
        self.data = self.base / "data"
        self.sock = self.base

    def start(self) -> "Cluster":
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        subprocess.run(_as_owner([str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                  "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True, timeout=120)
        opts = f"-k {self.sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c max_connections=200"
        subprocess.run(_as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                                  str(self.base / "server.log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=120)
        return self

    def stop(self) -> None:
        subprocess.run(_as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.sock}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
