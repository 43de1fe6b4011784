"""The notes the product writes into the audit log and a coordination item's history, said in the reader's
language.

A note is stored as written, in Chinese (the log is a record: what was written stays). The pages say it: in
Chinese as stored; otherwise the English sentence of the first pattern the whole note matches, with what the
pattern captured (a firm's name, a file, a reason) filled in unchanged; a note no pattern matches (typed by a
person, or from an older version) is shown as stored.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.messages import is_chinese

# the first pattern that matches the whole note wins: the more specific ones come first
NOTES: list[tuple[re.Pattern[str], Promise]] = [
    (re.compile(r"手工修改"), _("Edited by hand")),
    (re.compile(r"导入"), _("Imported")),
    (re.compile(r"重新导入"), _("Imported again")),
    (
        re.compile(r"导入 (?P<file>.+)：新增(?P<created>\d+)家（本批次创建的企业可按导入批次查到）"),
        _(
            "Imported from %(file)s: %(created)s new firms (the firms this batch created are found by its batch)"
        ),
    ),
    (re.compile(r"导入批次 #(?P<batch>\d+) 第(?P<row>\d+)行"), _("Import batch #%(batch)s, row %(row)s")),
    (re.compile(r"导入 (?P<file>.+)"), _("Imported from %(file)s")),
    (
        re.compile(r"重新导入批次 #(?P<batch>\d+)（已中断：(?P<reason>.*)）", re.S),
        _("Import batch #%(batch)s run again (it was interrupted: %(reason)s)"),
    ),
    (
        re.compile(r"重新导入批次 #(?P<batch>\d+)（导入失败：(?P<reason>.*)）", re.S),
        _("Import batch #%(batch)s run again (it had failed: %(reason)s)"),
    ),
    (re.compile(r"不是同一企业"), _("Not the same firm")),
    (re.compile(r"合并入 #(?P<pk>\d+) (?P<name>.+)"), _("Merged into #%(pk)s %(name)s")),
    (re.compile(r"合并 #(?P<pk>\d+) (?P<name>.+) 时补充"), _("Filled in when #%(pk)s %(name)s was merged")),
    (re.compile(r"合并 #(?P<pk>\d+) (?P<name>.+)"), _("Merged #%(pk)s %(name)s")),
    (
        re.compile(r"合并到 (?P<name>.+)（移动诉求(?P<moved>\d+)件）"),
        _("Merged into %(name)s (%(moved)s appeals moved)"),
    ),
    (re.compile(r"地图上放置"), _("Placed on the map")),
    (re.compile(r"示例数据"), _("Demo data")),
    (re.compile(r"示例：已供货"), _("Demo: already supplies")),
    (re.compile(r"项目移交"), _("Project handed over")),
    (re.compile(r"由新的跟进记录完成"), _("Done by a new follow-up")),
    (re.compile(r"部门已受理"), _("Accepted by the department")),
    (re.compile(r"已办结"), _("Done")),
    (
        re.compile(r"申请延期至 (?P<due>\d{4}-\d{2}-\d{2})：(?P<reason>.*)", re.S),
        _("Extension asked to %(due)s: %(reason)s"),
    ),
    (re.compile(r"批准延期：(?P<reason>.*)", re.S), _("Extension approved: %(reason)s")),
    (
        re.compile(r"批准延期申请（(?P<old>\S+) → (?P<new>\S+)）(?P<note>.*)", re.S),
        _("Extension request approved (%(old)s → %(new)s) %(note)s"),
    ),
    (
        re.compile(r"驳回延期申请（(?P<old>\S+) → (?P<new>\S+)）(?P<note>.*)", re.S),
        _("Extension request rejected (%(old)s → %(new)s) %(note)s"),
    ),
]


def say_note(note: str) -> str:
    """One stored note in the active language (see above)."""
    if not note or is_chinese():
        return note
    for pattern, sentence in NOTES:
        match = pattern.fullmatch(note)
        if match:
            return (str(sentence) % match.groupdict()).strip()
    return note
