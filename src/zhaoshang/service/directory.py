"""Departments and users from a directory file (XLSX/CSV), so that routing by 承办单位 works from day one.

Columns (Chinese headers): 单位名称 (required), 单位代码, 上级单位 (name or code; default the city), 单位类型 (部门 /
园区 / 乡镇 / 服务中心; default 部门), and for a user on the same row 用户名, 姓名, 角色 (部门办理人 / 企业服务专员 /
园区管理员 / 招商专员 / 市领导), 职务, 手机. Users get a random password (an administrator sets theirs). Idempotent:
organisations by code (or name), users by username. A bad row is reported by number; nothing is written if any is.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.services import ensure_organisation, ensure_user
from zhaoshang.accounts.types import Actor
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.service.services import ServiceError, city_root
from zhaoshang.tabular import cell_text, open_table

HEADERS = {
    "name": ("单位名称", "部门名称", "名称"),
    "code": ("单位代码", "代码"),
    "parent": ("上级单位", "上级"),
    "kind": ("单位类型", "类型"),
    "username": ("用户名", "账号"),
    "person": ("姓名",),
    "role": ("角色",),
    "title": ("职务",),
    "phone": ("手机", "电话", "联系电话"),
}
KINDS = {
    "部门": "department",
    "园区": "park",
    "乡镇": "town",
    "街道": "town",
    "服务中心": "service_centre",
    "": "department",
}
ROLES = {
    "部门办理人": Role.DEPARTMENT_HANDLER,
    "企业服务专员": Role.SERVICE_OFFICER,
    "园区管理员": Role.PARK_ADMIN,
    "招商专员": Role.INVESTMENT_OFFICER,
    "市领导": Role.CITY_LEADER,
    "链长办": Role.CHAIN_OFFICE,
}


@dataclass
class DirectoryResult:
    organisations: int = 0
    users: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisations": self.organisations,
            "users": self.users,
            "errors": self.errors,
            "dry_run": self.dry_run,
        }


class _Rollback(Exception):
    pass


def import_directory(actor: Actor, path: str | Path, *, dry_run: bool = False) -> DirectoryResult:
    try:
        table = open_table(Path(path))
    except (DomainError, OSError) as exc:
        raise ServiceError(error_message(exc), code="file_unreadable") from None
    columns = {}
    for i, header in enumerate(table.header):
        for key, names in HEADERS.items():
            if header.strip() in names and key not in columns:
                columns[key] = i
    if "name" not in columns:
        raise ServiceError(
            _("The directory file has no “单位名称” (unit name) column"), code="header_mapping"
        )
    result = DirectoryResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            root = city_root()
            for number, cells in table.rows:

                def get(key: str, cells: list = cells) -> str:
                    i = columns.get(key)
                    return cell_text(cells[i]).strip() if i is not None and i < len(cells) else ""

                name, kind_text, role_text = get("name"), get("kind"), get("role")
                if not name:
                    result.errors.append(_("Row %(row)s: the unit name is missing") % {"row": number})
                    continue
                if kind_text not in KINDS:
                    result.errors.append(
                        _("Row %(row)s, 单位类型 (kind): “%(value)s” must be 部门/园区/乡镇/服务中心")
                        % {"row": number, "value": kind_text}
                    )
                    continue
                parent_text = get("parent")
                parent = root
                if parent_text:
                    parent = (
                        Organisation.objects.filter(code=parent_text).first()
                        or Organisation.objects.filter(name=parent_text).first()
                    )
                    if parent is None:
                        result.errors.append(
                            _(
                                "Row %(row)s, 上级单位 (parent): “%(value)s” not found (write a parent unit on an earlier row)"
                            )
                            % {"row": number, "value": parent_text}
                        )
                        continue
                existing = Organisation.objects.filter(name=name).first()
                code = get("code") or (
                    existing.code if existing else "dir-" + hashlib.sha1(name.encode()).hexdigest()[:12]
                )
                org = ensure_organisation(
                    actor,
                    code=code,
                    name=name,
                    kind=KINDS[kind_text],
                    parent=parent,
                    region_code=parent.region_code,
                )
                result.organisations += 1
                username = get("username")
                if username:
                    if role_text not in ROLES:
                        result.errors.append(
                            _("Row %(row)s, 角色 (role): “%(value)s” must be one of %(roles)s")
                            % {"row": number, "value": role_text, "roles": "/".join(ROLES)}
                        )
                        continue
                    person = get("person")
                    extra = {
                        "title": get("title"),
                        "phone": get("phone"),
                        "last_name": person[:1],
                        "first_name": person[1:],
                    }
                    if User.objects.filter(username=username).exists():
                        ensure_user(
                            actor,
                            username=username,
                            password="",
                            organisation=org,
                            role=ROLES[role_text],
                            **extra,
                        )
                    else:
                        ensure_user(
                            actor,
                            username=username,
                            password=secrets.token_urlsafe(18),
                            organisation=org,
                            role=ROLES[role_text],
                            **extra,
                        )
                    result.users += 1
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if result.errors:
            result.organisations = result.users = 0
    return result
