"""Units (OrgUnit), their lineage through mergers, and users' memberships with roles.

The hierarchy is stored as a materialised path (`path`: the ids of the ancestors and the
unit itself, each zero-padded, e.g. `000001.000023.000180.`), so "everything under this
province" and "every ancestor of this commune" are single indexed queries, whatever the
depth. Units are never deleted when the map changes: a merged or dissolved unit gets a
`valid_to` date and `UnitSuccession` rows link it to the units that took it over (the
2025 merger of 63 provinces into 34 and the end of the district level).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

PATH_STEP = 7  # six digits and a dot per level; a million units per database is plenty


class Level(models.IntegerChoices):
    NATIONAL = 0, _("Trung ương")
    PROVINCIAL = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class Role(models.TextChoices):
    ADMIN = "admin", _("Thường trực / quản trị")
    REPORTER = "reporter", _("Cán bộ đầu mối")
    HEAD = "head", _("Thủ trưởng đơn vị")
    REVIEWER = "reviewer", _("Tổ thẩm định")
    LEADER = "leader", _("Lãnh đạo")


class OrgUnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> OrgUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def subtrees(self, paths: list[str]) -> OrgUnitQuerySet:
        """Units under (and including) any of the given paths, in one query."""
        if not paths:
            return self.none()
        cond = Q()
        for path in paths:
            cond |= Q(path__startswith=path)
        return self.filter(cond)


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        NATION = "nation", _("Quốc gia")
        PROVINCE = "province", _("Tỉnh")
        CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
        MINISTRY = "ministry", _("Bộ, ngành trung ương")
        PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
        TOWN = "town", _("Thị xã")
        DISTRICT = "district", _("Huyện")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        TOWNSHIP = "township", _("Thị trấn")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")
        DEPARTMENT = "department", _("Sở")
        BOARD = "board", _("Ban")
        SECTOR = "sector", _("Ngành")
        OFFICE = "office", _("Văn phòng")

    # Administrative level of each territorial kind; agencies take their parent's level
    # (a sở is a provincial-level body), which is what per-level plan targets need.
    TERRITORIAL_LEVELS = {
        Kind.NATION: Level.NATIONAL,
        Kind.PROVINCE: Level.PROVINCIAL,
        Kind.CENTRAL_CITY: Level.PROVINCIAL,
        Kind.MINISTRY: Level.NATIONAL,
        Kind.PROVINCIAL_CITY: Level.DISTRICT,
        Kind.TOWN: Level.DISTRICT,
        Kind.DISTRICT: Level.DISTRICT,
        Kind.WARD: Level.COMMUNE,
        Kind.COMMUNE: Level.COMMUNE,
        Kind.TOWNSHIP: Level.COMMUNE,
        Kind.SPECIAL_ZONE: Level.COMMUNE,
    }
    AGENCY_KINDS = {Kind.DEPARTMENT, Kind.BOARD, Kind.SECTOR, Kind.OFFICE}

    code = models.CharField(_("mã"), max_length=40, unique=True,
                            help_text=_("Mã nội bộ, duy nhất và không đổi."))
    official_code = models.CharField(_("mã hành chính"), max_length=20, blank=True,
                                     help_text=_("Mã đơn vị hành chính theo danh mục của Nhà nước, nếu có."))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices, editable=False)
    parent = models.ForeignKey("self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True,
                                help_text=_("Để trống nếu đơn vị còn hoạt động."))
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False,
        help_text=_("Tên hoặc số liệu được sinh ra cho bản demo, không phải dữ liệu chính thức."))
    note = models.TextField(_("ghi chú"), blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_interval"),
        ]

    def __str__(self) -> str:
        return self.name

    # --- hierarchy -------------------------------------------------------------------
    @property
    def is_agency(self) -> bool:
        return self.kind in self.AGENCY_KINDS

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= dt.date.today()

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_STEP

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self, include_self: bool = False) -> list[int]:
        ids = [int(part) for part in self.path.split(".") if part]
        return ids if include_self else ids[:-1]

    def ancestors(self, include_self: bool = False) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids(include_self)).order_by("path")

    def descendants(self, include_self: bool = False) -> OrgUnitQuerySet:
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_descendant_of(self, other: OrgUnit, include_self: bool = True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    def _compute_level(self) -> int:
        if self.kind in self.AGENCY_KINDS:
            return self.parent.level if self.parent else Level.NATIONAL
        return self.TERRITORIAL_LEVELS[self.kind]

    def _own_path(self) -> str:
        prefix = self.parent.path if self.parent else ""
        return f"{prefix}{self.pk:06d}."

    def save(self, *args, **kwargs) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValueError("Một đơn vị không thể là cấp trên của chính nó.")
        if self.pk and self.parent and self.parent.path.startswith(self.path):
            raise ValueError("Không thể chuyển đơn vị vào dưới một đơn vị cấp dưới của nó.")
        self.level = self._compute_level()
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = self._own_path()
            if new_path != old_path:
                OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # Re-parenting moves the whole subtree with one UPDATE.
                    OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)))
                self.path = new_path


class UnitSuccession(models.Model):
    """A link from a unit that ended (or changed) to the unit that took it over."""

    class Kind(models.TextChoices):
        MERGER = "merger", _("Hợp nhất / sáp nhập")
        RENAME = "rename", _("Đổi tên")
        SPLIT = "split", _("Chia tách")
        DISSOLUTION = "dissolution", _("Giải thể cấp hành chính (chuyển về đơn vị mới)")
        REORGANISATION = "reorganisation", _("Sắp xếp lại cơ quan")

    predecessor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="successions",
                                    verbose_name=_("đơn vị trước"))
    successor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="predecessions",
                                  verbose_name=_("đơn vị sau"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"],
                                               name="unique_succession")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Membership(models.Model):
    """A user's role in a unit. Roles at a province reach its whole subtree (see
    `chiso.orgs.permissions`); a reporter or head acts for exactly that unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships", verbose_name=_("người dùng"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"],
                                               name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
