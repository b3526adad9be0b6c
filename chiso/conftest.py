"""Shared fixtures: a small hierarchy with one user per role, for permission tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from chiso.orgs.models import Membership, OrgUnit, Role


@pytest.fixture
def tree(db):
    """VN → P1 (province) → C1, C2 (communes), A1 (agency); VN → P2 → C3."""
    K = OrgUnit.Kind
    vn = OrgUnit.objects.create(code="VN", name="Việt Nam", kind=K.NATION)
    p1 = OrgUnit.objects.create(code="P1", name="Tỉnh Một", kind=K.PROVINCE, parent=vn)
    p2 = OrgUnit.objects.create(code="P2", name="Tỉnh Hai", kind=K.PROVINCE, parent=vn)
    units = {
        "VN": vn, "P1": p1, "P2": p2,
        "C1": OrgUnit.objects.create(code="C1", name="Xã Một", kind=K.COMMUNE, parent=p1),
        "C2": OrgUnit.objects.create(code="C2", name="Phường Hai", kind=K.WARD, parent=p1),
        "A1": OrgUnit.objects.create(code="A1", name="Sở Y tế", kind=K.DEPARTMENT, parent=p1),
        "C3": OrgUnit.objects.create(code="C3", name="Xã Ba", kind=K.COMMUNE, parent=p2),
    }
    return units


def make_user(username: str, role: str | None = None, unit: OrgUnit | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="mat-khau-thu-nghiem",
                                                **extra)
    if role and unit:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def people(tree):
    """One user per role: province-level roles at P1, unit-level roles at commune C1."""
    return {
        "admin": make_user("admin_p1", Role.ADMIN, tree["P1"]),
        "leader": make_user("leader_p1", Role.LEADER, tree["P1"]),
        "reviewer": make_user("reviewer_p1", Role.REVIEWER, tree["P1"]),
        "head": make_user("head_c1", Role.HEAD, tree["C1"]),
        "reporter": make_user("reporter_c1", Role.REPORTER, tree["C1"]),
    }


# --- browser tests ---------------------------------------------------------------------
# Debian's Chromium driven by Playwright from PyPI (a Playwright-downloaded browser cannot
# be fetched here). Screenshots go to artifacts/screenshots/ to be looked at.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/system-deps.sh)")
        pytest.skip(f"{CHROMIUM} is not installed (run `make system-deps`)")
    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM
    # calls from it unless told that this (test-only) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> str:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return str(path)

    return take


def browser_login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
