"""Websocket routes."""

from django.urls import path

from cluster.consumers import EchoConsumer, SandboxConsumer

websocket_urlpatterns = [
    path("ws/sandbox/<slug:name>/", SandboxConsumer.as_asgi()),
    path("ws/echo/", EchoConsumer.as_asgi()),
]
