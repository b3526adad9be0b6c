"""Helpers for the tests of several apps (the app itself never imports this module)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import trans_real


@contextmanager
def english_with(entries: Mapping) -> Iterator[None]:
    """English active, with `entries` ({msgid: text}, {(msgid, plural index): text} or
    {"context\\x04msgid": text}) in the catalogue for the duration, so that a test of
    contexts and plural forms does not depend on the .po file's wording."""
    with translation.override("en"):
        catalog = trans_real.translation("en")._catalog
        saved = {key: catalog.get(key) for key in entries}
        for key, text in entries.items():
            catalog[key] = text
        try:
            yield
        finally:
            for key, text in saved.items():
                if text is None:
                    del catalog._catalogs[0][key]
                else:
                    catalog[key] = text


def run_async(coro):
    """asyncio.run in a thread of its own: Playwright's sync API (browser tests earlier in
    the same session) leaves an event loop running in the main thread."""
    out: dict = {}

    def target():
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")
