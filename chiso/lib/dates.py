"""Reading dates typed by people: `dd/mm/yyyy` as written in Vietnam (the date of a
document, "Quyết định số 311/QĐ-UBND ngày 08/02/2023"), or `yyyy-mm-dd` as an HTML date
input sends it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def parse_date(text: str | None) -> dt.date | None:
    """`08/02/2023`, `8/2/2023` or `2023-02-08` → date; blank → None.

    Raises ValueError with a Vietnamese message quoting what was typed.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        if "/" in raw:
            return dt.datetime.strptime(raw, "%d/%m/%Y").date()
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("Ngày “%(d)s” không đúng dạng dd/mm/yyyy.") % {"d": raw}) from None
