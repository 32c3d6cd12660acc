from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command


def test_ensure_admin_takes_the_login_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "s3cret-pass")
    out = StringIO()

    call_command("ensure_admin", stdout=out)
    call_command("ensure_admin", stdout=out)  # a second run reuses the user

    users = get_user_model().objects.filter(username="boss")
    assert users.count() == 1
    assert users.get().is_superuser
    assert users.get().check_password("s3cret-pass")
    assert "Admin login: boss / s3cret-pass" in out.getvalue()


def test_ensure_admin_resets_a_changed_password_from_the_environment(db, monkeypatch):
    get_user_model().objects.create_superuser("boss", "boss@example.com", "old-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "new-password")

    call_command("ensure_admin", stdout=StringIO())

    assert get_user_model().objects.get(username="boss").check_password("new-password")
