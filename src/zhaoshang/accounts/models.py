"""Organisations (a tree: city → bureau / park / department) and users with a role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City government")
        BUREAU = "bureau", _("Investment promotion bureau")
        PARK = "park", _("Park / development zone")
        DEPARTMENT = "department", _("Government department")
        SERVICE_CENTRE = "service_centre", _("Enterprise service centre")
        CHAIN_OFFICE = "chain_office", _("Chain office")
        TEAM = "team", _("Investment team")
        TOWN = "town", _("Town / subdistrict")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    # Materialised path of primary keys ("/1/4/9/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)

    permission_object = "organisation"
    scope_fields = ("self",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "\0"):
            raise ValueError("an organisation cannot be moved under itself")
        super().save(*args, **kwargs)
        expected = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if self.path != expected:
            old = self.path
            Organisation.objects.filter(pk=self.pk).update(path=expected)
            self.path = expected
            if old:
                for child in Organisation.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.save()

    def subtree(self) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(path__startswith=self.path)

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.INVESTMENT_OFFICER)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    leader = models.ForeignKey(
        "self",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    # The language of what is sent to the user (e-mail, group bots, digests); empty: the installation's.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    permission_object = "user"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)
