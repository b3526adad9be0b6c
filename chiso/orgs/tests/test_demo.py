import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chiso.orgs.models import Membership, OrgUnit, Role, UnitSuccession

pytestmark = pytest.mark.django_db


def _counts():
    return (OrgUnit.objects.count(), UnitSuccession.objects.count(), Membership.objects.count(),
            get_user_model().objects.count())


def test_demo_is_idempotent():
    call_command("demo", stdout=open("/dev/null", "w"))
    first = _counts()
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    call_command("demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    assert dict(OrgUnit.objects.values_list("code", "path")) == paths


def test_demo_holds_the_34_provinces_and_the_63_before_them():
    call_command("demo", stdout=open("/dev/null", "w"))
    provincial = [OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CENTRAL_CITY]
    now = OrgUnit.objects.active_on(dt.date(2026, 1, 1)).filter(kind__in=provincial)
    before = OrgUnit.objects.active_on(dt.date(2025, 6, 30)).filter(kind__in=provincial)
    assert now.count() == 34
    assert before.count() == 63
    tay_ninh = OrgUnit.objects.get(code="T80")
    predecessors = {s.predecessor.short_name for s in tay_ninh.predecessions.all()}
    assert predecessors == {"Long An", "Tây Ninh"}


def test_demo_province_has_communes_agencies_and_its_former_districts():
    call_command("demo", stdout=open("/dev/null", "w"))
    qn = OrgUnit.objects.get(code="T22")
    current = qn.descendants().current()
    communes = current.filter(level=3)
    assert communes.count() == 54
    assert communes.filter(kind=OrgUnit.Kind.SPECIAL_ZONE).count() == 2
    assert current.filter(kind__in=OrgUnit.AGENCY_KINDS).count() >= 15
    districts = qn.descendants().filter(level=2)
    assert districts.count() == 13 and not districts.filter(valid_to__isnull=True).exists()
    bai_chay = OrgUnit.objects.get(name="Phường Bãi Cháy")
    assert bai_chay.predecessions.get().predecessor.name == "Thành phố Hạ Long"


def test_demo_has_a_user_for_every_role():
    call_command("demo", stdout=open("/dev/null", "w"))
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert get_user_model().objects.filter(is_superuser=True).exists()
