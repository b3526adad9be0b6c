"""Benchmark of import jobs: what running an import as a background job costs over calling
`intake.import_file` directly, for 100,000 values from CSV (bench_import's files).

Per database, four imports of the same 100,000 rows, each for its own period so that each
creates 100,000 values, in the order direct, job, job, direct (so that a database growing
by 100,000 values per import favours neither):
- direct: `import_file` on the bytes, in this thread (the reference);
- job: `jobs.start` with the embedded thread backend (stores the file under MEDIA_ROOT,
  creates the job, enqueues the task) then this thread polls the job row every 50 ms until
  it ends, as the job page does every second. Reported: the time `jobs.start` takes (what
  the upload request waits for), the time to a finished row, and the job's own
  started → finished span; and how many progress saves the job made.

Runs on a throw-away SQLite file, and on a throw-away PostgreSQL database as well when
DATABASE_URL points at PostgreSQL (`bash scripts/with-postgres.sh .venv/bin/python
bench/bench_import_jobs.py`).

Run: ``.venv/bin/python bench/bench_import_jobs.py`` (``--rows 20000`` for a quick check).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _databases import run_on_each_database  # noqa: E402  (bench/ is on the path)
from bench_import import N_METRICS, build_files, setup_data  # noqa: E402

POLL = 0.05


def measure(label: str, n_rows: int) -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django_tasks import default_task_backend

    call_command("migrate", verbosity=0)
    from chiso.metrics import jobs, tasks
    from chiso.metrics.intake import import_file
    from chiso.metrics.models import ImportJob

    user, province, units, metrics = setup_data(n_rows)
    files = {period: build_files(n_rows, units, metrics, period)[0]
             for period in ("2021", "2022", "2023", "2024")}
    size_mb = len(files["2024"]) / 1024 / 1024

    saves: list[int] = []
    real_saver = tasks.ProgressSaver

    class CountingSaver(real_saver):  # counts the progress saves of each job
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            saves.append(0)

        def __call__(self, phase, done, total):
            before = self.saves
            super().__call__(phase, done, total)
            saves[-1] += self.saves - before

    tasks.ProgressSaver = CountingSaver

    def direct(period: str) -> float:
        start = time.perf_counter()
        result = import_file(io.BytesIO(files[period]), "b.csv", user=user, within=province)
        took = time.perf_counter() - start
        assert result.ok and result.created == n_rows, result.errors[:3]
        return took

    def as_job(period: str) -> tuple[float, float, float]:
        upload = SimpleUploadedFile("b.csv", files[period], content_type="text/csv")
        start = time.perf_counter()
        job = jobs.start(upload, user=user, unit=province)
        enqueued = time.perf_counter() - start
        while not ImportJob.objects.filter(pk=job.pk, state__in=[
                ImportJob.State.DONE, ImportJob.State.FAILED]).exists():
            time.sleep(POLL)
        took = time.perf_counter() - start
        assert default_task_backend.join(timeout=60)
        job.refresh_from_db()
        assert job.state == ImportJob.State.DONE and job.result["created"] == n_rows, job.result
        return enqueued, took, (job.finished_at - job.started_at).total_seconds()

    d1 = direct("2024")
    j1 = as_job("2023")
    j2 = as_job("2022")
    d2 = direct("2021")
    d = (d1 + d2) / 2
    j = tuple((a + b) / 2 for a, b in zip(j1, j2, strict=True))
    print(f"[{label}] {n_rows:,} values from CSV ({size_mb:.1f} MB), {N_METRICS} metrics × "
          f"{len(units):,} units; order direct, job, job, direct; means of two")
    print(f"[{label}] job: upload request waits (store file, create job, enqueue) "
          f"{j[0] * 1000:6.0f} ms")
    print(f"[{label}] job: task started → finished (its own times)       {j[2]:6.2f} s")
    print(f"[{label}] job: upload → finished row seen (polling {POLL * 1000:.0f} ms)   "
          f"{j[1]:6.2f} s   ({j1[1]:.2f}, {j2[1]:.2f}); progress saves {saves}")
    print(f"[{label}] reference: import_file directly              {d:6.2f} s   "
          f"({d1:.2f}, {d2:.2f}); job overhead {j[1] - d:+.2f} s ({(j[1] / d - 1) * 100:+.0f} %)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.rows)
        return
    run_on_each_database(__file__, "import_jobs", ["--rows", str(args.rows)])


if __name__ == "__main__":
    main()
