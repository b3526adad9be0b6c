"""The dashboards in Chromium, served by uvicorn (the ASGI server the live feed needs).

uvicorn runs in a thread of this process on 127.0.0.1 against the test database; it is
stopped at the end. Charts are read back from ECharts (`getOption()`), and a figure
accepted in another browser session must reach the open leader dashboard without a
reload. Screenshots: artifacts/screenshots/dashboards-*.png.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from chiso.conftest import browser_login

PASSWORD = "mat-khau-thu-nghiem"


class Served:
    def __init__(self, url: str):
        self.url = url


@pytest.fixture
def uvicorn_server(transactional_db, monkeypatch):
    import uvicorn
    from django.db import connections

    from chiso.asgi import application

    # The server's worker threads close their connections after each request, so none is
    # left open on the test database when it is dropped (PostgreSQL refuses otherwise).
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Served(f"http://127.0.0.1:{port}")
    server.should_exit = True
    server.force_exit = True  # open event streams would otherwise hold it
    thread.join(10)


CHARTS_JS = """() => Array.from(document.querySelectorAll('.dash-chart')).map(el => {
  const opt = echarts.getInstanceByDom(el).getOption();
  return {panel: el.closest('[data-panel]') ? el.closest('[data-panel]').dataset.panel : el.closest('section').id,
          types: opt.series.map(s => s.type), names: opt.series.map(s => s.name || ''),
          data: opt.series.map(s => s.data)};
})"""


def charts(page) -> dict[str, dict]:
    page.wait_for_function("() => window.echarts && document.querySelectorAll('.dash-chart').length"
                           " && Array.from(document.querySelectorAll('.dash-chart'))"
                           ".every(el => echarts.getInstanceByDom(el))")
    return {c["panel"]: c for c in page.evaluate(CHARTS_JS)}


def values_of(series_data):
    return [d["value"] if isinstance(d, dict) else d for d in series_data]


def test_leader_dashboard_draws_real_data_and_updates_live(
        browser, screenshot, uvicorn_server, people, values, rounds, dti, plans):
    leader = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = leader.new_page()
    browser_login(page, uvicorn_server, "leader_p1", PASSWORD)
    page.goto(f"{uvicorn_server.url}/tong-quan/?nam=2026")
    got = charts(page)
    assert got["completeness"]["names"] == ["Đúng hạn", "Muộn", "Chưa nộp"]
    assert got["completeness"]["data"] == [[0, 1], [0, 0], [2, 1]]
    assert got["dti_ranking"]["types"] == ["bar"]
    assert values_of(got["dti_ranking"]["data"][0]) == [0.82, 0.7]
    assert got["dti_radar"]["types"] == ["radar"]
    assert got["dti_trend"]["names"][0] == "DTI"
    assert got["dti_heatmap"]["types"] == ["heatmap"] and len(got["dti_heatmap"]["data"][0]) == 9
    assert got["metric_trend"]["names"] == ["Tỷ lệ hồ sơ trực tuyến"]
    # 2026 has no accepted value yet (C1's 2026Q1 figure is only submitted).
    assert got["metric_trend"]["data"][0][-1] in (None, "-")
    assert page.text_content('[data-figure="dti-score"]') == "0,6512"
    page.wait_for_function("() => window.chisoLive && window.chisoLive.connected")
    screenshot(page, "dashboards-leader")

    # Another session: the reviewer accepts C1's form of the past round.
    reviewer = browser.new_context(locale="vi-VN")
    other = reviewer.new_page()
    browser_login(other, uvicorn_server, "reviewer_p1", PASSWORD)
    other.goto(f"{uvicorn_server.url}/ky-bao-cao/{rounds['past'].pk}/don-vi/C1/")
    other.click("#btn-accept")
    other.wait_for_load_state("networkidle")
    assert "Đã chấp nhận" in other.content()

    # The open dashboard shows it without a reload.
    accepted = f'[data-figure="round-accepted-{rounds["past"].pk}"]'
    page.wait_for_function(f"() => document.querySelector('{accepted}').textContent.trim() === '1'",
                           timeout=10000)
    page.wait_for_function(
        "() => { const el = document.querySelector('#panel-metric_trend .dash-chart');"
        " const d = echarts.getInstanceByDom(el).getOption().series[0].data;"
        " return d[d.length - 1] === 1; }", timeout=10000)
    assert page.evaluate("window.chisoLive.events") >= 1
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    screenshot(page, "dashboards-leader-after-accept")
    reviewer.close()
    leader.close()


def test_unit_dashboard_and_phone_layout(browser, screenshot, uvicorn_server, people, values,
                                         rounds):
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844},
                              is_mobile=True)
    page = ctx.new_page()
    browser_login(page, uvicorn_server, "reporter_c1", PASSWORD)
    page.goto(f"{uvicorn_server.url}/don-vi/C1/bang-dieu-khien/?nam=2025")
    got = charts(page)
    assert got["unit_metrics"]["types"] == ["bar", "bar", "bar"]
    assert got["unit_metrics"]["names"] == ["Đơn vị", "Trung bình đơn vị cùng loại", "Cao nhất"]
    assert page.text_content('[data-figure="inbox-due"]') == "1"
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dashboards-unit-phone")
    ctx.close()


def test_public_dashboard_without_login(browser, screenshot, uvicorn_server, dti):
    ctx = browser.new_context(locale="vi-VN")
    page = ctx.new_page()
    page.goto(f"{uvicorn_server.url}/cong-khai/VN/")
    got = charts(page)
    ranking = next(c for key, c in got.items() if key.startswith("panel-assessment"))
    assert values_of(ranking["data"][0]) == [0.6512, 0.502]
    assert "Đánh giá CĐS cấp xã 2025" not in page.content()  # internal and provisional
    screenshot(page, "dashboards-public")
    page.emulate_media(media="print")
    screenshot(page, "dashboards-public-print")
    ctx.close()
