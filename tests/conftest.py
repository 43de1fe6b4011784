"""The shared cast: a city, two parks, and users in each role — set up through the services."""

from __future__ import annotations

import pytest

from zhaoshang.accounts.roles import Role

PASSWORD = "correct-horse-battery-9"


class Cast:
    def __init__(self):
        from zhaoshang.accounts.services import ensure_organisation, ensure_user

        self.city = ensure_organisation(None, code="t-city", name="测试市", kind="city", region_code="430200")
        self.bureau = ensure_organisation(
            None, code="t-bureau", name="测试市招商局", kind="bureau", parent=self.city
        )
        self.park = ensure_organisation(
            None, code="t-park-a", name="甲园区", kind="park", parent=self.city, region_code="430211"
        )
        self.other_park = ensure_organisation(
            None, code="t-park-b", name="乙园区", kind="park", parent=self.city, region_code="430202"
        )
        self.dept = ensure_organisation(
            None, code="t-dept", name="自然资源局", kind="department", parent=self.city
        )

        def user(name, org, role, **extra):
            return ensure_user(None, username=name, password=PASSWORD, organisation=org, role=role, **extra)

        self.admin = user("t-admin", self.city, Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
        self.leader = user("t-leader", self.city, Role.CITY_LEADER)
        self.officer = user("t-officer", self.bureau, Role.INVESTMENT_OFFICER)
        self.owner = user("t-owner", self.park, Role.PARK_ADMIN)
        self.colleague = user("t-colleague", self.park, Role.PARK_ADMIN)
        self.outsider = user("t-outsider", self.other_park, Role.PARK_ADMIN)
        self.chain_office = user("t-chain", self.city, Role.CHAIN_OFFICE)
        self.service = user("t-service", self.city, Role.SERVICE_OFFICER)
        self.handler = user("t-handler", self.dept, Role.DEPARTMENT_HANDLER)

    def by_role(self, role: str):
        return {
            Role.SYSTEM_ADMIN: self.admin,
            Role.CITY_LEADER: self.leader,
            Role.INVESTMENT_OFFICER: self.officer,
            Role.PARK_ADMIN: self.owner,
            Role.CHAIN_OFFICE: self.chain_office,
            Role.SERVICE_OFFICER: self.service,
            Role.DEPARTMENT_HANDLER: self.handler,
        }[role]


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2's deliberate slowness is for attackers, not for the test suite."""
    try:
        from django.conf import settings
        from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        get_hashers.cache_clear()
        get_hashers_by_algorithm.cache_clear()
    except Exception:  # plain-Python core tests run without Django configured
        pass


@pytest.fixture(scope="session", autouse=True)
def _task_queue_runs_inline():
    """Queued tasks (notification deliveries) run at once in tests, in memory: no worker, no queue file."""
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.immediate = True
    except Exception:  # plain-Python core tests run without Django configured
        pass


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file database (WAL), as the product runs, not Django's shared-cache memory database.

    In shared-cache mode a reader makes a concurrent writer fail at once ("database table is locked") instead of
    waiting: a web import's thread writing its batch while the browser polls its progress failed that way.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def pytest_sessionstart(session):
    """In CI the shared test data must be there: a missing ../shared fails the run instead of skipping."""
    from tests.shared_data import SHARED_DATA, in_ci

    if in_ci() and not SHARED_DATA.is_dir():
        raise pytest.UsageError(f"CI: {SHARED_DATA} not found — ../shared must lie beside the project")


@pytest.fixture(autouse=True)
def _installation_language():
    """A request in English (the language switch) leaves English active on the test's thread, and documents and
    exports follow the active language: every test ends back in the installation's language (Chinese)."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests and its ids are used
    again, so a value kept under one test's ids would be read by the next."""
    from django.core.cache import cache

    cache.clear()
    yield
