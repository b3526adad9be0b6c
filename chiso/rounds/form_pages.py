"""Rounds whose per-unit form lives in another app.

An assessment round (chiso.assessments) is a reporting round whose form is the unit's
self-assessment page. Every link to a unit's form (inbox, round page, dashboards) points
at `submission_form`, which sends the user on to the page registered here. The other app
registers in its AppConfig.ready, so that rounds never imports the apps built on it.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Submission

Resolver = Callable[[Submission], "str | None"]
_RESOLVERS: dict[str, Resolver] = {}


def register(key: str, resolver: Resolver) -> None:
    """`resolver(submission)` returns the URL of the form for that submission, or None
    when the round is not one of its own."""
    _RESOLVERS[key] = resolver


def elsewhere(sub: Submission) -> str | None:
    for resolver in _RESOLVERS.values():
        url = resolver(sub)
        if url:
            return url
    return None
