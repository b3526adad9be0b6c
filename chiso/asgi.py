"""ASGI entry point (uvicorn). `make demo` serves through it; live updates need it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
application = get_asgi_application()
