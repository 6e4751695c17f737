"""Websocket routes."""

from django.urls import path

from cluster.consumers import SandboxConsumer

websocket_urlpatterns = [
    path("ws/sandbox/<slug:name>/", SandboxConsumer.as_asgi()),
]
