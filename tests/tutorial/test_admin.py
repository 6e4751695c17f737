"""Authoring in the admin: its assets load, check parameters come through a form per kind, drafts and publishing."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tutorial.check_forms import describe_params, params_form
from tutorial.checks import REGISTRY
from tutorial.models import Check, Lesson, Step
from tutorial.packs import import_pack

pytestmark = pytest.mark.django_db

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n"


class FormReader(HTMLParser):
    """The values a browser would submit from the page's main form, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "option" and self._select and ("selected" in a or self._select not in self.data):
            self.data[self._select] = a.get("value", "")  # with none selected, a browser sends the first
        if "__prefix__" in a.get("name", "") or not a.get("name"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.data[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.data[a["name"]] = "on"
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def form_data(page) -> dict[str, str]:
    reader = FormReader()
    reader.feed(page.content.decode())
    data = reader.data
    for name in [n for n in data if n.endswith("-DELETE") or n == "_selected_action"]:
        data.pop(name)
    for name, value in data.items():  # a textarea's first newline is not part of its value
        if value.startswith("\n"):
            data[name] = value[1:]
    return data


@pytest.fixture
def pack(db):
    import_pack()


@pytest.fixture
def mine(db):
    """An instructor's draft lesson with one step and one check, which passes its self-test."""
    lesson = Lesson.objects.create(slug="delete-a-pod", title="Delete a pod", setup=POD)
    step = Step.objects.create(lesson=lesson, order=1, title="Delete it", body="Delete `web`.",
                               solution=[{"run": "kubectl delete pod web"}])
    Check.objects.create(step=step, order=1, check_id="gone", title="web is gone", kind="object_absent",
                         params={"kind": "Pod", "name": "web"})
    return lesson


# ---- the admin's assets -------------------------------------------------------------------------------------


def test_the_admin_pages_css_and_js_are_served(admin_client, pack, settings):
    settings.DEBUG = False
    lesson = Lesson.objects.get(slug="nodeport")
    pages = ["/admin/login/", f"/admin/tutorial/lesson/{lesson.pk}/change/",
             f"/admin/tutorial/step/{lesson.steps.first().pk}/change/"]
    assets = set()
    for url in pages:
        html = admin_client.get(url).content.decode()
        assets |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
    assert {"/static/admin/css/base.css", "/static/admin/js/inlines.js", "/static/dist/podium-admin.js",
            "/static/dist/podium-admin.css"} <= assets
    for asset in assets:
        assert admin_client.get(asset).status_code == 200, asset


# ---- check parameters, a form per kind ------------------------------------------------------------------------


def test_every_check_kind_has_a_form_with_its_parameters_and_their_help():
    for kind in REGISTRY.values():
        form = params_form(kind.id)()
        assert list(form.fields) == [p.name for p in kind.params]
        for param in kind.params:
            assert form.fields[param.name].required == (param.required and param.type != "bool")
            assert form.fields[param.name].help_text, f"{kind.id}.{param.name} has no help"


def test_object_exists_reads_field_values_as_yaml_and_paths_one_a_line():
    form = params_form("object_exists")({"kind": "Service", "name": "web",
                                         "fields": "spec.ports[0].nodePort: 30080\nspec.type: NodePort",
                                         "present": "spec.clusterIP\n"})
    assert form.is_valid(), form.errors
    assert form.params() == {"kind": "Service", "name": "web", "present": ["spec.clusterIP"],
                             "fields": {"spec.ports[0].nodePort": 30080, "spec.type": "NodePort"}}
    bad = params_form("object_exists")({"kind": "Gadget", "name": "", "fields": "spec..type: x\nnonsense"})
    assert not bad.is_valid()
    assert "Select a valid choice" in bad.errors["kind"][0]
    assert bad.errors["name"] == ["This field is required."]
    assert bad.errors["fields"] == ["line 1: spec..type is not a field path (write it like spec.ports[0].port)"]


def test_pods_ready_takes_labels_as_kubectl_writes_selectors():
    form = params_form("pods_ready")({"selector": "app=web, tier=front", "count": "2", "ready": "false"})
    assert form.is_valid(), form.errors
    assert form.params() == {"selector": {"app": "web", "tier": "front"}, "count": 2, "ready": False}
    bad = params_form("pods_ready")({"selector": "app web", "count": "-1"})
    assert not bad.is_valid()
    assert bad.errors["selector"] == ["'app web' is not key=value; write labels like app=web,tier=front"]
    assert bad.errors["count"] == ["Ensure this value is greater than or equal to 0."]


def test_traffic_answered_by_checks_its_parameters_together():
    form = params_form("traffic_answered_by")({"from": "pod", "url": "http://{service:}/"})
    assert not form.is_valid()
    assert form.errors["labels"] == ['labels is required when expect is "answered"']
    ok = params_form("traffic_answered_by")({"from": "outside", "url": "http://{node}:{nodeport:web}/",
                                             "labels": "app=web", "expect": ""})
    assert ok.is_valid(), ok.errors
    assert ok.params() == {"from": "outside", "url": "http://{node}:{nodeport:web}/", "labels": {"app": "web"}}
    refused = params_form("traffic_answered_by")({"from": "pod", "from_labels": "run=client",
                                                  "url": "http://{service:}/", "expect": "refused"})
    assert not refused.is_valid()
    assert refused.errors["url"] == ["url {service:NAME} needs a Service name"]


def test_request_seen_refuses_an_unknown_source():
    form = params_form("request_seen")({"from": "the moon", "to": "service", "service": "web"})
    assert not form.is_valid()
    assert form.errors["from"][0].startswith('from must be "outside", "node", "pod"')


def test_a_form_shows_saved_parameters_as_the_author_typed_them():
    params = {"kind": "Service", "name": "web", "fields": {"spec.ports[0].nodePort": 30080, "spec.type": "NodePort"}}
    initial = params_form("object_exists").initial_for(params)
    assert initial["fields"] == "spec.ports[0].nodePort: 30080\nspec.type: NodePort"
    assert params_form("object_exists")(initial).is_valid()
    assert describe_params("pods_ready", {"count": 2, "selector": {"app": "web"}, "ready": False}) == [
        ("selector", "app=web"), ("count", "2"), ("ready", "no")]


def test_a_check_is_added_on_its_step_page_through_its_kinds_form(admin_client, mine):
    step = mine.steps.get()
    page = admin_client.get(f"/admin/tutorial/step/{step.pk}/change/")
    assert 'data-kind="object_absent"' in page.content.decode()
    data = form_data(page)
    data.update({"checks-TOTAL_FORMS": "2", "checks-1-order": "2", "checks-1-title": "nothing else runs",
                 "checks-1-check_id": "no-pods", "checks-1-kind": "pods_ready",
                 "checks-1-pods_ready-selector": "app=web", "checks-1-pods_ready-count": "0", "checks-1-hint": ""})
    answer = admin_client.post(f"/admin/tutorial/step/{step.pk}/change/", data)
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
    check = Check.objects.get(check_id="no-pods")
    assert (check.kind, check.params, check.step_id) == ("pods_ready", {"selector": {"app": "web"}, "count": 0},
                                                         step.pk)


def test_a_check_with_bad_parameters_is_refused_beside_the_field(admin_client, mine):
    step = mine.steps.get()
    data = form_data(admin_client.get(f"/admin/tutorial/step/{step.pk}/change/"))
    data["checks-0-object_absent-kind"] = ""
    page = admin_client.post(f"/admin/tutorial/step/{step.pk}/change/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Some parameters of object_absent need fixing; see below." in text
    assert re.search(r'<div class="pd-param errors">\s*<ul class="errorlist"[^>]*><li>This field is required.', text)
    assert Check.objects.get(check_id="gone").params == {"kind": "Pod", "name": "web"}


def test_the_step_page_edits_buttons_hints_and_the_solution_as_rows(admin_client, mine):
    step = mine.steps.get()
    data = form_data(admin_client.get(f"/admin/tutorial/step/{step.pk}/change/"))
    assert data["solution-rows"] == "1" and data["solution-0-move"] == "run"
    data.update({"actions-rows": "1", "actions-0-label": "Show the pods", "actions-0-kind": "run",
                 "actions-0-payload": "kubectl get pods", "hints-rows": "2", "hints-0-hint": "Use kubectl delete.",
                 "hints-1-hint": "", "solution-rows": "3", "solution-1-move": "wait", "solution-1-wait": "5",
                 "solution-2-move": "traffic", "solution-2-from": "outside", "solution-2-url": "http://{node}/",
                 "solution-2-count": "3"})
    answer = admin_client.post(f"/admin/tutorial/step/{step.pk}/change/", data)
    assert answer.status_code == 302 and answer.headers["Location"] == f"/admin/tutorial/lesson/{mine.pk}/change/"
    step.refresh_from_db()
    assert step.actions == [{"label": "Show the pods", "kind": "run", "payload": "kubectl get pods"}]
    assert step.hints == ["Use kubectl delete."]
    assert step.solution == [{"run": "kubectl delete pod web"}, {"wait": 5},
                             {"traffic": {"from": "outside", "url": "http://{node}/", "count": 3}}]
    data.update({"solution-1-wait": "soon"})
    page = admin_client.post(f"/admin/tutorial/step/{step.pk}/change/", data)
    assert "move 2: the seconds to wait must be a number, not &#x27;soon&#x27;" in page.content.decode()


def test_steps_are_reordered_by_their_order_numbers_even_when_two_swap(admin_client, pack):
    lesson = Lesson.objects.get(slug="session-affinity")
    titles = list(lesson.steps.values_list("title", flat=True))
    data = form_data(admin_client.get(f"/admin/tutorial/lesson/{lesson.pk}/change/"))
    data["published"] = ""  # reordering these steps breaks the lesson; as a draft that may be saved
    data.pop("published")
    data["steps-0-order"], data["steps-1-order"] = "2", "1"
    answer = admin_client.post(f"/admin/tutorial/lesson/{lesson.pk}/change/", data)
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
    assert list(lesson.steps.values_list("title", flat=True)) == [titles[1], titles[0], titles[2]]
    assert list(lesson.steps.values_list("order", flat=True)) == [1, 2, 3]


# ---- drafts and publishing ---------------------------------------------------------------------------------------


def test_a_new_lesson_is_a_draft_and_learners_do_not_see_it(client, mine):
    assert not mine.published
    assert client.get("/lessons/delete-a-pod/").status_code == 404
    assert "Delete a pod" not in client.get("/").content.decode()


def test_a_lesson_with_no_steps_cannot_be_published(admin_client):
    data = {"title": "Empty", "slug": "empty", "summary": "", "order": "100", "published": "on", "setup": "",
            "commands": "", "setup_age": "120", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    page = admin_client.post("/admin/tutorial/lesson/add/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "This lesson cannot be published: its self-test fails." in text
    assert "the lesson has no steps: a learner would have nothing to do" in text
    assert not Lesson.objects.exists()
    data.pop("published")
    assert admin_client.post("/admin/tutorial/lesson/add/", data).status_code == 302
    assert not Lesson.objects.get(slug="empty").published


def test_a_staff_member_opening_a_lesson_without_steps_is_sent_to_its_preview(admin_client):
    Lesson.objects.create(slug="empty", title="Empty", published=True)
    answer = admin_client.get("/lessons/empty/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/lessons/empty/preview/"


def test_publishing_runs_the_self_test_first(admin_client, client, mine):
    report = admin_client.get(f"/admin/tutorial/lesson/{mine.pk}/selftest/").content.decode()
    assert "✓ The self-test passes" in report and 'id="publish-button"' in report
    assert "afterwards gone passes: Pod &quot;web&quot; is gone." in report
    answer = admin_client.post(f"/admin/tutorial/lesson/{mine.pk}/publish/")
    assert answer.status_code == 302
    mine.refresh_from_db()
    assert mine.published
    assert 'data-lesson="delete-a-pod"' in client.get("/").content.decode()


def test_a_lesson_whose_self_test_fails_is_not_published(admin_client, mine):
    Step.objects.filter(lesson=mine).update(solution=[{"run": "kubectl get pods"}])
    report = admin_client.get(f"/admin/tutorial/lesson/{mine.pk}/selftest/").content.decode()
    assert "✗ The self-test fails: 1 problem below." in report
    assert "afterwards gone FAILS: Pod &quot;web&quot; still exists." in report
    answer = admin_client.post(f"/admin/tutorial/lesson/{mine.pk}/publish/", follow=True)
    assert "was not published: its self-test fails (step 1: afterwards gone FAILS" in answer.content.decode()
    mine.refresh_from_db()
    assert not mine.published


def test_a_change_that_breaks_a_published_lesson_is_refused(admin_client, mine):
    Lesson.objects.filter(pk=mine.pk).update(published=True)
    step = mine.steps.get()
    data = form_data(admin_client.get(f"/admin/tutorial/step/{step.pk}/change/"))
    data["checks-0-object_absent-name"] = "db"  # a pod the solution never deletes… and that never existed
    page = admin_client.post(f"/admin/tutorial/step/{step.pk}/change/", data)
    text = page.content.decode()
    assert page.status_code == 200
    assert "“Delete a pod” is published: its self-test fails." in text
    assert "already solved before its reference solution" in text
    assert Check.objects.get(check_id="gone").params["name"] == "web"


def test_the_publish_action_publishes_only_lessons_that_pass(admin_client, mine):
    broken = Lesson.objects.create(slug="broken", title="Broken")
    answer = admin_client.post("/admin/tutorial/lesson/", {"action": "publish",
                                                           "_selected_action": [mine.pk, broken.pk]}, follow=True)
    text = answer.content.decode()
    assert "“Delete a pod”: published — learners see it now." in text
    assert "“Broken” was not published: its self-test fails (the lesson has no steps" in text
    assert list(Lesson.objects.filter(published=True).values_list("slug", flat=True)) == ["delete-a-pod"]


# ---- the editors' helpers ----------------------------------------------------------------------------------------


def test_manifests_are_validated_as_the_learners_apply_would(admin_client, pack):
    lesson = Lesson.objects.get(slug="how-services-reach-pods")

    def check(text: str, role: str) -> dict:
        answer = admin_client.post("/admin/tutorial/lesson/validate-manifest/",
                                   json.dumps({"text": text, "role": role, "lesson": str(lesson.pk)}),
                                   content_type="application/json")
        assert answer.status_code == 200
        return answer.json()

    bad_port = POD.replace("image: nginx:1.27\n", "image: nginx:1.27\n    ports:\n    - containerPort: 0\n")
    assert check(bad_port, "setup")["errors"] == [{
        "line": 10, "severity": "error",
        "message": "spec.containers[0].ports[0].containerPort: Required value"}]
    starter = lesson.steps.first().starter  # apps/v1beta1 on purpose: the learner's first error
    warnings = check(starter, "starter")["errors"]
    assert [(e["line"], e["severity"]) for e in warnings] == [(2, "warning")]
    assert warnings[0]["message"].startswith('resource mapping not found for name: "httpd"')
    assert check(POD, "apply") == {"errors": [], "output": "pod/web created\n", "hint": ""}
    assert check("a: [\n", "apply")["errors"][0]["severity"] == "error"


def test_the_markdown_preview_is_the_lessons_own_rendering(admin_client):
    answer = admin_client.post("/admin/tutorial/lesson/preview-markdown/",
                               json.dumps({"text": "**Hi** <script>x</script>\n\n```run\nkubectl get pods\n```\n"}),
                               content_type="application/json")
    html = answer.json()["html"]
    assert "<strong>Hi</strong>" in html and "<script>" not in html
    assert 'data-action="run" data-payload="kubectl get pods"' in html


def test_the_editors_helpers_are_for_staff_only(client):
    answer = client.post("/admin/tutorial/lesson/preview-markdown/", "{}", content_type="application/json")
    assert answer.status_code == 302 and "/admin/login/" in answer.headers["Location"]


def test_the_preview_shows_check_parameters_readably(admin_client, pack):
    text = admin_client.get("/lessons/nodeport/preview/").content.decode()
    assert "{&#x27;service&#x27;" not in text
    assert "<code>fields</code> spec.ports[0].nodePort: 30080" in text


@pytest.mark.parametrize("debug", ["true", "false"])
def test_plain_daphne_serves_the_admins_assets_with_debug_on_or_off(tmp_path, monkeypatch, debug):
    import urllib.request

    from cluster.management.commands.bench_page import serve

    monkeypatch.setenv("DEBUG", debug)
    with serve(tmp_path) as base:
        for asset in ("/static/admin/css/base.css", "/static/admin/js/inlines.js", "/static/dist/podium-admin.js"):
            with urllib.request.urlopen(base + asset, timeout=10) as response:
                assert response.status == 200, asset


def test_settings_beyond_the_form_fields_are_edited_as_yaml(admin_client, mine):
    Lesson.objects.filter(pk=mine.pk).update(settings={"seed": 7, "stages": {"sandbox": {"delay": 5}}})
    data = form_data(admin_client.get(f"/admin/tutorial/lesson/{mine.pk}/change/"))
    assert data["seed"] == "7" and data["more_settings"] == "stages:\n  sandbox:\n    delay: 5\n"
    data["more_settings"] = "stages: {sandbox: {delay: 9}}"
    assert admin_client.post(f"/admin/tutorial/lesson/{mine.pk}/change/", data).status_code == 302
    mine.refresh_from_db()
    assert mine.settings == {"seed": 7, "stages": {"sandbox": {"delay": 9}}}
    data["more_settings"] = "stages: {sandbox: {delay: -1}}"
    page = admin_client.post(f"/admin/tutorial/lesson/{mine.pk}/change/", data).content.decode()
    assert "stages.sandbox.delay: a number of seconds, 0 or more" in page
