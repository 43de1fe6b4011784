from zhaoshang.accounts.models import Organisation, User
from zhaoshang.core.models import AuditEntry
from zhaoshang.demo import DEMO_PASSWORD, build_demo


def test_the_demo_builds_the_demo_city_and_is_safe_to_rerun(db):
    build_demo()
    counts = (Organisation.objects.count(), User.objects.count())
    last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    build_demo()
    assert (Organisation.objects.count(), User.objects.count()) == counts
    # a re-run changes nothing: at most it records that an import ran and found every row unchanged
    rerun = AuditEntry.objects.filter(id__gt=last_entry)
    assert not rerun.exclude(action=AuditEntry.Action.IMPORT).exists()
    for entry in rerun:
        assert (
            entry.changes.get("created", [None, 0])[1] == 0
            and entry.changes.get("updated", [None, 0])[1] == 0
        )
    city = Organisation.objects.get(code="zz-city")
    assert city.region_code == "430200" and "示例" in city.name
    assert Organisation.objects.filter(is_demo=False).count() == 0
    admin = User.objects.get(username="admin")
    assert admin.check_password(DEMO_PASSWORD) and admin.is_superuser
    roles = set(User.objects.values_list("role", flat=True))
    assert len(roles) == 7
