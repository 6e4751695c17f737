"""ASGI entry point: HTTP (static files are served by servestatic's middleware, see settings) and websockets."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorial.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from cluster.origins import SameOriginValidator  # noqa: E402
from cluster.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # the session cookie says who may watch a sandbox; the Origin must be the page's own (scheme, host, port)
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
