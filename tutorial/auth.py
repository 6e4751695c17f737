"""Signing in: a small throttle on wrong passwords, per username and address, for the admin and /accounts/login/."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """Where a request comes from: behind a proxy (SECURE_PROXY_SSL_HEADER set) the address the proxy added last
    to X-Forwarded-For, else the peer's."""
    if request is None:
        return ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return str(forwarded.rsplit(",", 1)[-1].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.casefold()}\n{address}".encode()).hexdigest()
    return f"podium.login-failures.{digest}"


class LoginThrottle:
    """At most LOGIN_ATTEMPTS wrong passwords for one username from one address in LOGIN_LOCKOUT_SECONDS (counted
    in the `limits` cache, which every process shares when there is Redis)."""

    def __init__(self, username: str, address: str) -> None:
        self.key = _key(username, address)

    def blocked(self) -> bool:
        return int(caches["limits"].get(self.key, 0)) >= settings.LOGIN_ATTEMPTS

    def failed(self) -> None:
        if not caches["limits"].add(self.key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                caches["limits"].incr(self.key)
            except ValueError:  # expired in between
                caches["limits"].add(self.key, 1, settings.LOGIN_LOCKOUT_SECONDS)

    def succeeded(self) -> None:
        caches["limits"].delete(self.key)


def lockout_text() -> str:
    minutes = max(1, math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60))
    return (f"Too many failed sign-in attempts for this username from your address. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.")


class ThrottleMixin:
    """Refuse a username+address pair that failed too often, before its password is even checked."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        throttle = LoginThrottle(username, client_address(self.request))
        if username and throttle.blocked():
            raise forms.ValidationError(lockout_text(), code="throttled")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError as err:
            if username and any(e.code == "invalid_login" for e in err.error_list):
                throttle.failed()
            raise
        throttle.succeeded()
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass
