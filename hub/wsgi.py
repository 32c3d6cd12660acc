"""The WSGI entry point: `gunicorn hub.wsgi:application` (`make production`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.base")
application = get_wsgi_application()

from hub.startup import ready_to_serve  # noqa: E402 - needs the settings, which get_wsgi_application set up

application = ready_to_serve(application)
