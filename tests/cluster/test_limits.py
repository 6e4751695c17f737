"""Limits across sockets, the API and new sandboxes: a clear refusal, nothing changed, every way in alike."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from cluster import limits, runtime
from cluster.models import Sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_limit_refuses_past_its_count_and_says_when_to_come_back() -> None:
    with override_settings(RATE_LIMITS={"sandbox-api": (2, 60.0)}):
        assert limits.hit("sandbox-api", "lab", now=120.0) is None
        assert limits.hit("sandbox-api", "lab", now=121.0) is None
        refused = limits.hit("sandbox-api", "lab", now=130.0)
        assert refused is not None and refused.retry_after == 51
        assert refused.message == ("too many Kubernetes API requests to this sandbox: at most 2 every 60 seconds; "
                                   "try again in 51 s")
        assert limits.hit("sandbox-api", "other", now=130.0) is None  # another key has its own count
        assert limits.hit("sandbox-api", "lab", now=181.0) is None  # the next window starts over


@override_settings(RATE_LIMITS={"sandbox-api": (2, 60.0)})
def test_the_api_answers_429_with_retry_after_past_the_sandboxs_limit() -> None:
    row = runtime.create_sandbox("lab")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {row.token}")
    assert client.get("/k8s/lab/api/v1/namespaces/default/pods").status_code == 200
    assert client.get("/k8s/lab/api/v1/namespaces/default/pods").status_code == 200
    refused = client.get("/k8s/lab/api/v1/namespaces/default/pods")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    status = refused.json()
    assert (status["kind"], status["reason"]) == ("Status", "TooManyRequests")
    assert status["message"].startswith("too many Kubernetes API requests to this sandbox")
    # a wrong token is not counted against the learner's sandbox
    Client(HTTP_AUTHORIZATION="Bearer wrong").get("/k8s/other/api/v1/namespaces/default/pods")
    assert Sandbox.objects.filter(name="lab").exists()


@override_settings(RATE_LIMITS={"address-sandboxes": (2, 3600.0)})
def test_new_sandboxes_from_one_address_are_capped_with_a_page_that_says_why(client) -> None:
    from tutorial.models import Lesson

    call_command("load_lessons", verbosity=0)
    slugs = list(Lesson.objects.filter(published=True).values_list("slug", flat=True)[:3])
    before = Sandbox.objects.count()
    assert client.get(f"/lessons/{slugs[0]}/").status_code == 200
    assert client.get(f"/lessons/{slugs[1]}/").status_code == 200
    refused = client.get(f"/lessons/{slugs[2]}/")
    assert refused.status_code == 429
    assert "too many new sandboxes from your network address" in refused.content.decode()
    assert Sandbox.objects.count() == before + 2
    assert client.get(f"/lessons/{slugs[0]}/").status_code == 200  # the sandboxes it has keep working
