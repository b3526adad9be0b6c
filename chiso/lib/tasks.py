"""The embedded task backend: runs each task in a daemon thread of the server process.

`make demo` and small deployments run one process and no worker; a heavy import must still
leave the request at once. This backend is django-tasks' immediate backend moved off the
request thread:

- the thread starts when the enqueuing transaction commits (`on_commit`), so the task sees
  the rows the request created for it (an import job) — enqueued outside a transaction, it
  starts at once;
- the thread closes its own database connections when the task ends (Django opens one per
  thread and would otherwise leave it to the garbage collector);
- the outcome (status, errors with traceback) is recorded on the returned `TaskResult`, as
  the immediate backend does; tasks keep their own state in the database (an `ImportJob`)
  because nothing of this backend survives a restart.

A task running when the process stops is lost; its owner finds out from its own state
(an import job not updated for ten minutes shows as interrupted). Deployments that need
tasks to survive restarts use django-tasks-db's database backend and `chiso db_worker`
(settings: CHISO_TASKS_BACKEND=database).
"""

from __future__ import annotations

import threading
from typing import ParamSpec, TypeVar

from django.db import connections, transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

T = TypeVar("T")
P = ParamSpec("P")


class ThreadBackend(ImmediateBackend):
    """Runs tasks in a daemon thread each, started after the current transaction commits."""

    supports_async_task = False  # a coroutine would need its own event loop in the thread

    def __init__(self, alias: str, params: dict):
        super().__init__(alias, params)
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        # At most this many tasks run at once (OPTIONS "max_running", default 2): ten
        # large uploads at once would otherwise hold ten files' rows in the web process.
        # The others wait in their threads, their jobs still queued.
        self._slots = threading.BoundedSemaphore(
            int(params.get("OPTIONS", {}).get("max_running", 2)))

    def enqueue(self, task: Task[P, T], args: P.args, kwargs: P.kwargs) -> TaskResult[T]:  # type: ignore[valid-type]
        self.validate_task(task)
        task_result: TaskResult[T] = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None,
            started_at=None, last_attempted_at=None, finished_at=None, args=args,
            kwargs=kwargs, backend=self.alias, errors=[], worker_ids=[])
        transaction.on_commit(lambda: self._start(task_result), using=None)
        return task_result

    def _start(self, task_result: TaskResult) -> None:
        thread = threading.Thread(target=self._run, args=(task_result,), daemon=True,
                                  name=f"chiso-task-{task_result.id[:8]}")
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _run(self, task_result: TaskResult) -> None:
        try:
            with self._slots:
                # Records success or the error with its traceback; django-tasks logs
                # failures.
                self._execute_task(task_result)
        finally:
            connections.close_all()
            with self._lock:
                self._threads.discard(threading.current_thread())

    def running(self) -> int:
        """How many tasks are running now (for tests, benchmarks and shutdown)."""
        with self._lock:
            return len(self._threads)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the tasks running now; True when none is left (benchmarks use it)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        return self.running() == 0
