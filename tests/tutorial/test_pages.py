"""The learner's pages: the lesson list, a lesson with its own sandbox, progress that survives logging in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cluster import runtime
from cluster.models import Sandbox
from cluster.sim.teaching.scenario import perform
from tutorial import services
from tutorial.models import Lesson, Progress, Step
from tutorial.packs import import_pack as load_pack

LESSON = "/lessons/how-services-reach-pods/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pack(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
    load_pack()


def sandbox_name(page) -> str:
    return re.search(r'data-sandbox="([^"]+)"', page.content.decode()).group(1)


def solve_first_step(name: str) -> list[dict]:
    lesson = Lesson.objects.get(slug="how-services-reach-pods")
    outcome = runtime.act(name, lambda cluster: perform(cluster, lesson.steps.first().solution))
    assert outcome.version > 1
    _, cluster = runtime.load(name)
    return services.record_progress(name, cluster)


def test_the_lesson_list_shows_every_lesson_in_order(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    titles = [lesson.title for lesson in Lesson.objects.all()]
    positions = [text.index(title.replace('"', "&quot;")) for title in titles]
    assert positions == sorted(positions) and len(titles) == 7
    assert text.count("Not started") == 7
    assert 'href="/lessons/nodeport/"' in text
    assert "sessionid" not in page.cookies and not Sandbox.objects.exists()  # looking creates nothing


def test_opening_a_lesson_gives_a_guest_their_own_sandbox_with_the_lesson_setup(client):
    page = client.get(LESSON)
    assert page.status_code == 200
    name = sandbox_name(page)
    assert name.startswith("l-how-services-reach-pods-")
    row = Sandbox.objects.get(name=name)
    assert row.owner_session == client.session.session_key and row.owner_user is None
    text = page.content.decode()
    assert f'data-ws-url="/ws/sandbox/{name}/"' in text
    assert 'data-action="run" data-payload="kubectl get pods -o wide"' in text
    assert 'data-action="load" data-payload="apiVersion: apps/v1beta1' in text
    assert '<a class="pd-skip" href="#main">Skip to content</a>' in text
    _, cluster = runtime.load(name)
    assert len(cluster.store.list("Pod", "default", {"app": "nginx"})) == 3
    assert cluster.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"] == "10.68.0.1"


def test_reloading_or_restarting_the_server_brings_back_the_same_cluster(client):
    name = sandbox_name(client.get(LESSON))
    _, cluster = runtime.load(name)
    pods = sorted(p["metadata"]["name"] for p in cluster.store.list("Pod"))
    runtime._cache.clear()  # a restarted server has only the database
    assert sandbox_name(client.get(LESSON)) == name
    _, cluster = runtime.load(name)
    assert sorted(p["metadata"]["name"] for p in cluster.store.list("Pod")) == pods
    assert sandbox_name(Client().get(LESSON)) != name  # another browser, another sandbox
    assert Sandbox.objects.count() == 2


def test_checks_after_a_change_record_the_learners_progress(client):
    name = sandbox_name(client.get(LESSON))
    results = solve_first_step(name)
    first = [r for r in results if r["step"] == 1]
    assert [(r["id"], r["passed"]) for r in first] == [("httpd-deployed", True), ("httpd-pods-ready", True)]
    later = next(r for r in results if r["id"] == "service-endpoints")
    assert later == {"id": "service-endpoints", "title": "httpd-svc has 2 ready endpoints — the httpd pods, not nginx",
                     "passed": False, "hint": 'There is no Service "httpd-svc" yet.',
                     "detail": 'There is no Service "httpd-svc" yet.', "step": 4, "done": False}
    progress = Progress.objects.get(sandbox__name=name)
    # step 3's checks wait for requests the learner sends, so none of them passes yet
    assert progress.passed == ["httpd-deployed", "httpd-pods-ready"]
    assert progress.step_reached == 2
    home = client.get("/").content.decode()
    assert "2 of 11 checks passed · step 2" in home, home[home.index("data-lesson="):][:700]
    page = client.get(LESSON).content.decode()
    assert re.search(r'class="pd-check passed" data-check-id="httpd-deployed"', page)
    assert re.search(r'class="pd-step current" id="step-2"', page)


def test_logging_in_keeps_the_guests_sandbox_and_progress(client):
    get_user_model().objects.create_user("ada", password="lovelace-1843")
    name = sandbox_name(client.get(LESSON))
    solve_first_step(name)
    guest_key = client.session.session_key

    answer = client.post("/accounts/login/", {"username": "ada", "password": "lovelace-1843", "next": LESSON})
    assert answer.status_code == 302 and answer.headers["Location"] == LESSON
    assert client.session.session_key != guest_key  # login rotates the session key
    assert sandbox_name(client.get(LESSON)) == name
    row = Sandbox.objects.get(name=name)
    assert row.owner_user.username == "ada"
    progress = Progress.objects.get(lesson__slug="how-services-reach-pods", user__username="ada")
    assert progress.sandbox == row and progress.passed[:2] == ["httpd-deployed", "httpd-pods-ready"]

    elsewhere = Client()  # the same user on another computer finds the same sandbox
    elsewhere.post("/accounts/login/", {"username": "ada", "password": "lovelace-1843"})
    assert sandbox_name(elsewhere.get(LESSON)) == name


def test_reset_brings_back_the_lessons_setup(client):
    name = sandbox_name(client.get(LESSON))
    runtime.act(name, lambda cluster: cluster.api.delete("Deployment", "default", "nginx"))
    services.reset_for_sandbox(name)
    _, cluster = runtime.load(name)
    assert cluster.store.get("Deployment", "default", "nginx") is not None
    assert cluster.store.get("Deployment", "default", "httpd") is None


def test_starting_over_resets_the_sandbox_and_forgets_the_progress(client):
    name = sandbox_name(client.get(LESSON))
    solve_first_step(name)
    answer = client.post(LESSON + "start-over/")
    assert answer.status_code == 302
    assert Progress.objects.get(sandbox__name=name).passed == []
    _, cluster = runtime.load(name)
    assert cluster.store.get("Deployment", "default", "httpd") is None


def test_a_lesson_whose_sandbox_cannot_load_still_opens_and_starting_over_brings_back_its_setup(client):
    name = sandbox_name(client.get(LESSON))
    Sandbox.objects.filter(name=name).update(snapshot=b"not a snapshot")
    runtime._cache.clear()

    page = client.get(LESSON)
    answer = client.post(LESSON + "start-over/")

    assert page.status_code == 200 and sandbox_name(page) == name
    assert answer.status_code == 302
    _, cluster = runtime.load(name)
    assert cluster.store.get("Deployment", "default", "nginx") is not None  # the lesson's setup again


def test_a_script_in_a_step_is_shown_as_text_never_run(client):
    lesson = Lesson.objects.create(slug="xss", title="Careful", published=True)
    Step.objects.create(lesson=lesson, order=1, title="One",
                        body='Hi <script>alert("x")</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>')
    text = client.get("/lessons/xss/").content.decode()
    body = text[text.index('class="pd-step-body"'):text.index("</details>", text.index('class="pd-step-body"'))]
    assert "<script>" not in body and "<img" not in body and 'href="javascript:' not in body
    assert "&lt;script&gt;alert" in body


def test_drafts_are_hidden_from_learners(client, admin_client):
    Lesson.objects.filter(slug="nodeport").update(published=False)
    assert client.get("/lessons/nodeport/").status_code == 404
    assert "NodePort" not in client.get("/").content.decode()
    assert admin_client.get("/lessons/nodeport/preview/").status_code == 200


def test_the_class_page_lists_learners_for_staff_only(client, admin_client):
    name = sandbox_name(client.get(LESSON))
    assert client.get("/class/").status_code == 302
    page = admin_client.get("/class/").content.decode()
    assert name in page and "guest " in page
    first = Lesson.objects.get(slug="how-services-reach-pods").steps.first().checks.first()
    assert f'<td class="working-on">Step 1: {first.title}</td>' in page  # a new learner works on the first check
    assert "1 learner · 0 completed" in page


def test_the_admin_offers_lessons_steps_and_checks_for_authoring(admin_client):
    lesson = Lesson.objects.get(slug="how-services-reach-pods")
    assert admin_client.get("/admin/tutorial/lesson/").status_code == 200
    change = admin_client.get(f"/admin/tutorial/lesson/{lesson.pk}/change/").content.decode()
    assert "Run httpd the way old tutorials do" in change and "/lessons/how-services-reach-pods/preview/" in \
        admin_client.get("/admin/tutorial/lesson/").content.decode()
    step = lesson.steps.first()
    page = admin_client.get(f"/admin/tutorial/step/{step.pk}/change/").content.decode()
    assert "httpd-deployed" in page and "traffic_answered_by" in page


def test_the_browser_finds_a_site_icon_at_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_the_workspace_keeps_the_learners_text_under_the_sandbox_and_lesson(client):
    page = client.get(LESSON)
    name = sandbox_name(page)
    assert f'data-storage-key="{name}:how-services-reach-pods"' in page.content.decode()
