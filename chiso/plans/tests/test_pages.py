"""Every page checks who may see it: the plan's own unit and the units it involves see it;
others get 403; anonymous users are sent to log in."""

import datetime as dt

import pytest
from django.urls import reverse

from chiso.conftest import make_user
from chiso.orgs.models import Role
from chiso.plans.models import Plan, Task

from .fixtures import make_target, put


@pytest.fixture
def setup(tree, people, plan, rate):
    national = Plan.objects.create(kind=Plan.Kind.PROGRAMME, number="749/QĐ-TTg",
                                   title="Chương trình CĐS quốc gia", issuer=tree["VN"],
                                   owner=tree["VN"], start_year=2020, end_year=2025,
                                   status=Plan.Status.IN_FORCE)
    plan.parent = national
    plan.save()
    target = make_target(plan, rate, {2023: 60, 2025: 80}, pillar="Chính quyền số",
                         lead_unit=tree["A1"], statement="Tỷ lệ hồ sơ trực tuyến")
    put(rate, tree["C1"], "2023S1", num=70, den=100)
    task = Task.objects.create(plan=plan, description="Xây dựng kho dữ liệu dùng chung",
                               lead_unit=tree["A1"], due_date=dt.date(2023, 9, 30))
    task.coordinating_units.add(tree["C1"])
    task.targets.add(target)
    other = Plan.objects.create(number="12/KH-UBND", title="Kế hoạch tỉnh Hai", issuer=tree["P2"],
                                owner=tree["P2"], start_year=2023, end_year=2023)
    return {"plan": plan, "national": national, "target": target, "task": task, "other": other}


def urls(s):
    return [reverse("plan_detail", args=[s["plan"].pk]),
            reverse("target_detail", args=[s["target"].pk]),
            reverse("task_detail", args=[s["task"].pk])]


@pytest.mark.parametrize("role", ["admin", "leader", "reviewer", "reporter", "head"])
def test_the_province_and_involved_units_see_the_plan(client, setup, people, role):
    # admin/leader/reviewer of P1 see it through the owner; C1's people through the task
    client.force_login(people[role])
    for url in urls(setup):
        assert client.get(url).status_code == 200, url
    listing = client.get(reverse("plan_list")).content.decode()
    assert "37/KH-UBND" in listing and "12/KH-UBND" not in listing


def test_other_provinces_and_uninvolved_units_are_refused(client, setup, tree):
    outsider = make_user("admin_p2", Role.ADMIN, tree["P2"])
    client.force_login(outsider)
    for url in urls(setup):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("plan_detail", args=[setup["other"].pk])).status_code == 200
    c2 = make_user("reporter_c2", Role.REPORTER, tree["C2"])  # same province, not involved
    client.force_login(c2)
    assert client.get(urls(setup)[0]).status_code == 403
    assert "37/KH-UBND" not in client.get(reverse("plan_list")).content.decode()


def test_anonymous_users_are_sent_to_log_in(client, setup):
    for url in [reverse("plan_list"), *urls(setup)]:
        response = client.get(url)
        assert response.status_code == 302 and "dang-nhap" in response["Location"]
    response = client.post(reverse("task_update", args=[setup["task"].pk]),
                           {"loai": "progress", "tien_do": "50", "noi_dung": "x"})
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_cascade_nests_plans_under_the_plan_they_implement(client, setup, people):
    client.force_login(people["admin"])
    page = client.get(reverse("plan_list")).content.decode()
    # the national programme is not the province's to see: its plan is a root here
    assert "749/QĐ-TTg" not in page
    leader = make_user("lanhdao_vn", Role.LEADER, setup["national"].owner)
    client.force_login(leader)
    page = client.get(reverse("plan_list")).content.decode()
    assert page.index("749/QĐ-TTg") < page.index("37/KH-UBND")
    assert 'data-depth="1"' in page


def test_the_plan_page_shows_statuses_counts_and_sentences(client, setup, people):
    client.force_login(people["admin"])
    page = client.get(reverse("plan_detail", args=[setup["plan"].pk]) + "?ky=2023S1")
    text = page.content.decode()
    assert "6 tháng đầu năm 2023 có 0 chỉ tiêu, 0 nhiệm vụ được hoàn thành" in text
    assert "Kế hoạch số 37/KH-UBND đề ra 1 chỉ tiêu, 1 nhiệm vụ" in text
    assert 'data-status="on_track"' in text  # 70 % by mid-2023 against 60 % for 2023
    assert page.context["counts"].targets["on_track"] == 1


def test_the_target_page_carries_its_chart_data_and_rule(client, setup, people):
    client.force_login(people["leader"])
    page = client.get(reverse("target_detail", args=[setup["target"].pk]))
    assert page.status_code == 200
    chart = page.context["chart"]
    assert chart["percent"] is True
    assert chart["lines"][0]["points"] == [[2023.4932, 70.0]]  # 30/06/2023
    assert chart["lines"][0]["goals"] == [[2023.999, 60.0], [2025.999, 80.0]]
    assert 'id="target-chart-data"' in page.content.decode()
    assert "Đạt khi giá trị từ 80\u00a0%" in page.content.decode()


def test_the_plan_page_narrows_to_a_pillar_or_a_lead_unit(client, setup, people, plan, rate, tree):
    make_target(plan, rate, {2023: 50}, pillar="Xã hội số", lead_unit=tree["C1"],
                statement="Tỷ lệ hộ có cáp quang")
    client.force_login(people["admin"])
    url = reverse("plan_detail", args=[plan.pk])
    whole = client.get(url).context["counts"]
    assert (whole.n_targets, whole.n_tasks) == (2, 1)
    social = client.get(url, {"tru_cot": "Xã hội số"})
    assert (social.context["counts"].n_targets, social.context["counts"].n_tasks) == (1, 0)
    assert "Tỷ lệ hộ có cáp quang" in social.content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến" not in social.content.decode()
    agency = client.get(url, {"don_vi": "A1"}).context["counts"]
    assert (agency.n_targets, agency.n_tasks) == (1, 1)
    # an unknown pillar or unit is ignored, not an error
    assert client.get(url, {"tru_cot": "Không có", "don_vi": "P2"}).context["counts"].n_targets == 2
