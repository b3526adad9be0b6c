"""Configuration comes from the environment; production refuses the default secret."""

import os
import subprocess
import sys


def _run_settings(env_overrides: dict[str, str], argv: str = "runserver") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DEBUG", "CHISO_ALLOW_DEFAULT_SECRET", "DATABASE_URL"}}
    env.update(env_overrides)
    code = (f"import sys; sys.argv = ['chiso', '{argv}']; import django; "
            "from django.conf import settings; settings.DATABASES; print(settings.DATABASES['default']['ENGINE'])")
    return subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "chiso.settings"},
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_the_default_secret_key():
    result = _run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    result = _run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


def test_debug_mode_starts_with_the_default_key():
    assert _run_settings({"DEBUG": "1"}).returncode == 0


def test_database_url_selects_postgresql():
    result = _run_settings({"DEBUG": "1", "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x"})
    assert "postgresql" in result.stdout


def test_the_default_sqlite_database_runs_in_wal_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DEBUG": "1", "CHISO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chiso.settings"})
    code = ("import django; django.setup(); from django.db import connection; "
            "cur = connection.cursor(); cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0]); "
            "print(connection.settings_dict['NAME'])")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal"
    assert name == str(tmp_path / "chiso.sqlite3")
