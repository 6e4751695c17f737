"""Production settings from the environment, the admin's sign-in, and what the admin never shows."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client

from cluster import runtime
from tutorial.models import Progress
from tutorial.packs import import_pack as load_pack

ROOT = Path(__file__).resolve().parents[2]
LESSON = "/lessons/how-services-reach-pods/"

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "podium.example",
    "CSRF_TRUSTED_ORIGINS": "https://podium.example",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECRET_KEY"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings_from_the_environment():
    done = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50),
                  **PRODUCTION)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_https_settings_check_deploy_names_what_to_set():
    done = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50),
                  DEBUG="false")

    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def test_the_public_development_key_is_refused_when_debug_is_off():
    refused = manage("check", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY, DEBUG="false")
    allowed = manage("check", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY, DEBUG="true")

    assert refused.returncode != 0
    assert "SECRET_KEY is Podium's public development key, and DEBUG is off" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_without_a_secret_key_a_server_keeps_one_of_its_own():
    assert not settings.DEBUG
    assert settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY
    assert len(settings.SECRET_KEY) >= 50
    assert settings.SECRET_KEY_FILE.read_text().strip() == settings.SECRET_KEY
    assert settings.SECRET_KEY_FILE.stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_their_inline_script_its_nonce(client):
    load_pack()

    page = client.get(LESSON)

    policy = page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in page.content.decode()
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.django_db
def test_behind_an_https_proxy_the_kubeconfig_says_https_and_keeps_the_token_out_of_the_url(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["podium.example"]
    browser = Client(HTTP_HOST="podium.example")  # the proxy passes the Host the learner asked for
    browser.get("/")  # a session
    session = browser.session
    session.save()
    row = runtime.create_sandbox("mine", owner_session=session.session_key)

    proxied = browser.get("/k8s/mine/kubeconfig", HTTP_X_FORWARDED_PROTO="https").content.decode()
    plain = browser.get("/k8s/mine/kubeconfig").content.decode()

    assert "server: https://podium.example/k8s/mine\n" in proxied and f"token: {row.token}" in proxied
    assert f"server: http://podium.example/k8s/mine/token/{row.token}\n" in plain


# ---- signing in -------------------------------------------------------------------------------------------


@pytest.fixture
def teacher(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    caches["limits"].clear()
    yield get_user_model().objects.create_user("teacher", password="a long and unusual phrase", is_staff=True)
    caches["limits"].clear()


def sign_in(password: str, address: str = "192.0.2.10") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post("/admin/login/?next=/admin/",
                                                {"username": "teacher", "password": password})
    return response.status_code, response.content.decode()


def test_after_five_wrong_passwords_the_admin_says_to_wait_even_for_the_right_one(teacher):
    for _ in range(settings.LOGIN_ATTEMPTS):
        status, text = sign_in("wrong")
        assert status == 200 and "Please enter the correct username and password" in text

    status, text = sign_in("a long and unusual phrase")
    other_address = sign_in("a long and unusual phrase", address="198.51.100.7")

    assert status == 200
    assert "Too many failed sign-in attempts for this username from your address. Try again in 15 minutes." in text
    assert other_address[0] == 302  # the throttle is per username and address


def test_a_successful_sign_in_forgets_earlier_mistakes(teacher):
    for _ in range(settings.LOGIN_ATTEMPTS - 1):
        sign_in("wrong")
    assert sign_in("a long and unusual phrase")[0] == 302
    for _ in range(settings.LOGIN_ATTEMPTS - 1):
        sign_in("wrong")

    assert sign_in("a long and unusual phrase")[0] == 302


def test_the_learners_login_page_is_throttled_the_same_way(teacher):
    for _ in range(settings.LOGIN_ATTEMPTS):
        Client(REMOTE_ADDR="192.0.2.10").post("/accounts/login/", {"username": "teacher", "password": "wrong"})

    text = Client(REMOTE_ADDR="192.0.2.10").post(
        "/accounts/login/", {"username": "teacher", "password": "a long and unusual phrase"}).content.decode()

    assert "Too many failed sign-in attempts" in text


@pytest.mark.parametrize("password", ["password", "12345678", "short"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


# ---- no session keys --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_never_shows_a_guests_session_key(admin_client):
    load_pack()
    guest = Client()
    guest.get(LESSON)
    key = guest.session.session_key
    progress = Progress.objects.get(session_key=key)

    pages = [admin_client.get("/admin/tutorial/progress/"), admin_client.get(f"/admin/tutorial/progress/{progress.pk}/change/"),
             admin_client.get(f"/admin/tutorial/progress/{progress.pk}/delete/"), admin_client.get("/class/")]

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert key not in text and key[:8] not in text
    assert progress.learner in pages[0].content.decode()
