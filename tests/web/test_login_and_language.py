from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_leads_to_the_chinese_workbench(cast):
    client = Client()
    response = client.post(reverse("login"), {"username": "t-owner", "password": PASSWORD}, follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "工作台" in text and "甲园区" in text


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "t-owner", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "t-owner", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_resets_the_count(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "t-owner", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "t-owner", "password": PASSWORD}).status_code == 302


def test_english_is_one_switch_away(cast, client_for):
    client = client_for(cast.owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get("/").content.decode()
    assert "Workbench" in text and "工作台" not in text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in client.get("/").content.decode()


def test_logout_needs_post_and_ends_the_session(cast, client_for):
    client = client_for(cast.owner)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_works(cast):
    client = Client()
    client.post(reverse("login"), {"username": "t-owner", "password": PASSWORD})
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-secret-42",
            "new_password2": "a-much-better-secret-42",
        },
    )
    assert response.status_code == 302
    cast.owner.refresh_from_db()
    assert cast.owner.check_password("a-much-better-secret-42")
    assert not cast.owner.password.startswith("a-much")  # stored hashed


def test_assets_are_served_locally_without_any_cdn(cast, client_for):
    text = client_for(cast.owner).get("/").content.decode()
    assert "//cdn" not in text and "unpkg" not in text and "jsdelivr" not in text
    assert "/static/django_htmx/htmx-2.min.js" in text or "/static/django_htmx/" in text
    assert client_for(cast.owner).get("/static/zhaoshang/app.css").status_code == 200


def test_a_user_who_chose_english_gets_english_after_logging_in_on_another_device(cast):
    cast.owner.language = "en"
    cast.owner.save(update_fields=["language"])
    device = Client()  # a fresh browser: no language cookie, Chinese by default
    response = device.post(reverse("login"), {"username": "t-owner", "password": PASSWORD}, follow=True)
    assert "Workbench" in response.content.decode() and "工作台" not in response.content.decode()
    assert device.cookies["django_language"].value == "en"
    # switching back on this device is a new choice: it is stored and wins from now on
    device.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in device.get("/").content.decode()
    cast.owner.refresh_from_db()
    assert cast.owner.language == "zh-hans"


def test_a_user_without_a_stored_language_follows_the_browser(cast, client_for):
    assert cast.colleague.language == ""
    client = client_for(cast.colleague)
    assert "工作台" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Workbench" in client.get("/").content.decode()
