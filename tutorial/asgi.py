"""ASGI entry point: HTTP (with static files) and websockets."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorial.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from servestatic import ServeStaticASGI  # noqa: E402

from cluster.origins import SameOriginValidator  # noqa: E402
from cluster.routing import websocket_urlpatterns  # noqa: E402

http_app = ServeStaticASGI(django_asgi_app, root=settings.BASE_DIR / "static", prefix="static/")

application = ProtocolTypeRouter(
    {
        "http": http_app,
        # the session cookie says who may watch a sandbox; the Origin must be the page's own (scheme, host, port)
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
