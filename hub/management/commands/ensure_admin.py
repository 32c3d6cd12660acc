"""Make sure an admin login exists and print it, so `make run` always ends with a way in."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from hub.settings.env import env_str

LOGIN_FILE = Path(settings.BASE_DIR) / "var" / "admin-login.txt"


class Command(BaseCommand):
    help = "Create the admin superuser if missing (DJANGO_SUPERUSER_USERNAME/PASSWORD, or generated) and print it."

    def handle(self, *args, **options):
        username = env_str("DJANGO_SUPERUSER_USERNAME", "admin")
        password = env_str("DJANGO_SUPERUSER_PASSWORD")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email=f"{username}@example.com", password=password)
            self._remember(username, password)
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self._remember(username, password)
        elif not password:
            password = self._recall(username) or "(unchanged; set DJANGO_SUPERUSER_PASSWORD to reset it)"
        port = env_str("PORT", "8000")
        self.stdout.write(
            self.style.SUCCESS(f"Admin login: {username} / {password}  →  http://127.0.0.1:{port}/admin/")
        )

    def _remember(self, username: str, password: str) -> None:
        # A development convenience under var/ (never committed); production sets the variables instead.
        if settings.DEBUG:
            LOGIN_FILE.parent.mkdir(parents=True, exist_ok=True)
            LOGIN_FILE.write_text(f"{username}\n{password}\n")
            LOGIN_FILE.chmod(0o600)

    def _recall(self, username: str) -> str | None:
        if not LOGIN_FILE.exists():
            return None
        saved_username, _, saved_password = LOGIN_FILE.read_text().partition("\n")
        return saved_password.strip() if saved_username == username else None
