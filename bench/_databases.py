"""Runs a benchmark's measuring half in a child process, once per database: a throw-away
SQLite file, then, when DATABASE_URL points at PostgreSQL (`scripts/with-postgres.sh`), a
throw-away database created beside it. A child per database gives each run fresh
settings and a fresh connection."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile


def run_child(script: str, db_url: str, label: str, var_dir: str, args: list[str]) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "CHISO_VAR_DIR": var_dir,
           "DJANGO_SETTINGS_MODULE": "chiso.settings", "CHISO_ALLOW_DEFAULT_SECRET": "1"}
    subprocess.run([sys.executable, script, "--child", label, *args], env=env, check=True)


def run_on_each_database(script: str, name: str, args: list[str] = ()) -> None:
    """`script --child SQLite|PostgreSQL *args` on each database; `name` names the
    PostgreSQL database (with the process id)."""
    with tempfile.TemporaryDirectory() as tmp:
        run_child(script, f"sqlite:///{tmp}/bench.sqlite3", "SQLite", tmp, list(args))
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            print("[PostgreSQL] skipped: DATABASE_URL is not a PostgreSQL URL")
            return
        import psycopg

        db = f"chiso_bench_{name}_{os.getpid()}"
        base, _, _ = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        try:
            run_child(script, f"{base}/{db}", "PostgreSQL", tmp, list(args))
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
