from pathlib import Path

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.roles import ACTIONS, ALL, OBJECTS, ORG, Role, grant_for, matrix_markdown
from zhaoshang.accounts.scoping import can, get_for_user, may_act_in, own_department, visible

ROOT = Path(__file__).resolve().parents[2]


def test_the_permissions_doc_is_the_matrix():
    doc = (ROOT / "docs" / "PERMISSIONS.md").read_text(encoding="utf-8")
    assert matrix_markdown() in doc


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("obj", OBJECTS)
def test_each_matrix_row_decides_what_can_answers(cast, role, obj):
    user = cast.by_role(role)
    grant = grant_for(role, obj)
    for action in ACTIONS.values():
        expected = user.is_superuser or (grant.scope != "none" and action in grant.actions)
        assert can(user, obj, action) is expected, (role, obj, action)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_user_records_are_scoped_as_the_matrix_says(cast, role):
    user = cast.by_role(role)
    seen = set(visible(user, User.objects.all()).values_list("username", flat=True))
    grant = grant_for(role, "user")
    if grant.scope == ALL:
        assert "t-outsider" in seen
    elif grant.scope == ORG:
        in_subtree = set(
            User.objects.filter(organisation__path__startswith=user.organisation.path).values_list(
                "username", flat=True
            )
        )
        assert seen == in_subtree
    else:
        assert seen == set()


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", ["view", "change"])
def test_may_act_in_an_organisation_agrees_with_the_records_visible_there(cast, role, action):
    user = cast.by_role(role)
    for organisation in Organisation.objects.all():
        there = User.objects.filter(organisation=organisation)
        if there.exists():
            assert may_act_in(user, "user", action, organisation) == visible(user, there, action).exists(), (
                organisation
            )


def test_a_park_user_sees_only_their_parks_users(cast):
    seen = set(visible(cast.owner, User.objects.all()).values_list("username", flat=True))
    assert seen == {"t-owner", "t-colleague"}


def test_a_department_handler_works_only_on_their_own_departments_records(cast):
    from zhaoshang.accounts.services import ensure_organisation

    section = ensure_organisation(None, code="t-dept-s", name="用地科", kind="department", parent=cast.dept)
    ensure_organisation(None, code="t-park-s", name="甲园区办公室", kind="department", parent=cast.park)
    children = Organisation.objects.filter(parent__isnull=False)
    # (Organisation's "parent" stands in for a record's department)
    assert list(own_department(cast.handler, children, field="parent")) == [section]
    homeless = User.objects.create_user("t-homeless", role=Role.DEPARTMENT_HANDLER)
    assert not own_department(homeless, children, field="parent").exists()
    assert own_department(cast.officer, children, field="parent").count() == children.count() > 1


def test_a_change_filed_under_the_actors_organisation_refuses_an_actor_without_one(cast):
    from zhaoshang.accounts.types import NoOrganisation, actor_organisation

    assert actor_organisation(cast.officer) == cast.bureau
    homeless = User.objects.create_user("t-homeless", role=Role.SERVICE_OFFICER)
    for actor in (homeless, None):
        with pytest.raises(NoOrganisation) as refused:
            actor_organisation(actor)
        assert refused.value.code == "no_organisation" and "单位" in str(refused.value)


def test_the_city_leader_reads_everything_and_changes_nothing(cast):
    for obj in OBJECTS:
        if obj in ("audit_log", "notification_channel"):  # administrators' records
            continue
        assert can(cast.leader, obj, "view")
        assert not can(cast.leader, obj, "change")
        assert not can(cast.leader, obj, "delete")


def test_get_for_user_answers_404_for_another_parks_record(cast):
    from django.http import Http404

    with pytest.raises(Http404):
        get_for_user(cast.outsider, User, cast.owner.pk)
    assert get_for_user(cast.colleague, User, cast.owner.pk) == cast.owner


def test_organisation_paths_follow_moves_in_the_tree(cast):
    cast.park.parent = cast.bureau
    cast.park.save()
    cast.park.refresh_from_db()
    assert cast.park.path.startswith(cast.bureau.path)
    assert set(cast.bureau.subtree().values_list("code", flat=True)) == {"t-bureau", "t-park-a"}
    with pytest.raises(ValueError):
        cast.bureau.parent = cast.park
        cast.bureau.save()


def test_the_api_hides_another_parks_user_with_404(cast, client_for):
    client = client_for(cast.outsider)
    assert client.get(f"/api/users/{cast.owner.pk}/").status_code == 404
    listed = {row["username"] for row in client.get("/api/users/").json()["results"]}
    assert listed == {"t-outsider"}


def test_the_api_refuses_anonymous_requests(db):
    from django.test import Client

    response = Client().get("/api/organisations/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_the_api_accepts_token_authentication(cast):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.owner)
    response = Client().get("/api/users/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {row["username"] for row in response.json()["results"]} == {"t-owner", "t-colleague"}


def test_a_token_is_issued_for_a_username_and_password(cast):
    from django.test import Client

    from tests.conftest import PASSWORD

    response = Client().post("/api/token/", {"username": "t-owner", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Client().get("/api/users/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert Client().post("/api/token/", {"username": "t-owner", "password": "nope"}).status_code == 400


def test_only_admins_see_the_audit_log(cast, client_for):
    assert client_for(cast.owner).get(reverse("web:audit")).status_code == 403
    assert client_for(cast.owner).get("/api/audit/").status_code == 403
    assert client_for(cast.admin).get(reverse("web:audit")).status_code == 200


def test_every_page_needs_a_login(db):
    from django.test import Client

    client = Client()
    for url in ["/", "/organisations/", "/audit/", "/registry/", "/chains/", "/pipeline/", "/api/docs/"]:
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_organisation_tree_is_visible_to_a_park_user(cast, client_for):
    names = [o["name"] for o in client_for(cast.owner).get("/api/organisations/").json()["results"]]
    assert "乙园区" in names  # organisations are public within the city (matrix: all:v)
    assert Organisation.objects.count() == len(names)
