"""The websocket handshake's Origin check: scheme, host and port must be the page's own, or a trusted origin.

Channels' AllowedHostsOriginValidator compares host names only, so a page on another port or over plain HTTP
of the same host could open a learner's socket. Here the Origin must equal the origin the request was made to
(`ws://host:port` is the page `http://host:port`, `wss://` is `https://`, the proxy's forwarded scheme counting
when SECURE_PROXY_SSL_HEADER says to trust it), or be listed in CSRF_TRUSTED_ORIGINS; and the Host header must
be one of ALLOWED_HOSTS, as Django requires of every HTTP request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _scheme(scope: dict[str, Any]) -> str:
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, secure_value = proxy
        wanted = header.removeprefix("HTTP_").lower().replace("_", "-").encode()
        forwarded = _header(scope, wanted)
        if forwarded:
            scheme = "https" if forwarded.split(",")[0].strip() == secure_value else "http"
    return scheme


def _default_port(scheme: str) -> str:
    return "443" if scheme == "https" else "80"


def _normalized(origin: str) -> str | None:
    """`scheme://host:port` with the default port spelled out, or None when it is not an origin."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = str(parts.port or _default_port(parts.scheme))
    except ValueError:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}:{port}"


def allowed(scope: dict[str, Any]) -> bool:
    """Whether this handshake's Origin may open a socket here."""
    origin = _normalized(_header(scope, b"origin"))
    if origin is None:
        return False
    host_header = _header(scope, b"host")
    domain, _ = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = _scheme(scope)
    own = _normalized(f"{scheme}://{host_header}")
    trusted = {_normalized(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())}
    return origin == own or origin in trusted


class SameOriginValidator:
    """ASGI middleware: refuse a websocket handshake (HTTP 403) whose Origin is not the page's own."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
