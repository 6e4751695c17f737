"""A lesson's scenario, played by the engine as a learner would play it on the page."""

import pytest

from cluster.sim import kubectl
from cluster.sim.teaching.scenario import ScenarioError, apply_manifests, apply_text, fill_url, perform
from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_DEPLOYMENT_V1BETA1, SEED_SERVICE
from tests.sim.factories import cluster


def test_a_lesson_manifest_is_refused_in_the_words_the_editor_shows():
    page = apply_manifests(cluster(), SEED_DEPLOYMENT_V1BETA1)

    with pytest.raises(ScenarioError) as refused:
        apply_text(cluster(), SEED_DEPLOYMENT_V1BETA1)

    assert page.exit_code != 0
    assert str(refused.value) == page.stderr.strip()


def test_a_lesson_manifest_leaves_the_objects_and_events_the_editor_would():
    by_lesson, by_page = cluster(), cluster()

    printed = apply_text(by_lesson, SEED_DEPLOYMENT + "---\n" + SEED_SERVICE)
    kubectl.run(by_page, ["apply", "-f", "-"], stdin=SEED_DEPLOYMENT + "---\n" + SEED_SERVICE)
    by_lesson.advance_by(30)
    by_page.advance_by(30)

    assert printed == ["deployment.apps/httpd created", "service/httpd-svc created"]
    assert by_lesson.store.list("Deployment") == by_page.store.list("Deployment")
    assert by_lesson.store.list("Event") == by_page.store.list("Event")


def test_a_solution_request_fills_the_service_placeholder_and_is_recorded():
    c = cluster()
    perform(c, [{"apply": SEED_DEPLOYMENT + "---\n" + SEED_SERVICE},
                {"traffic": {"from": "outside", "url": "http://{service:httpd-svc}:8080/", "count": 2}}], settle=0)

    url, problem = fill_url(c, "http://{service:httpd-svc}:8080/")
    assert problem == ""
    assert url == f"http://{c.store.get('Service', 'default', 'httpd-svc')['spec']['clusterIP']}:8080/"
    assert len(c.state.requests) == 2


def test_a_placeholder_for_a_missing_service_says_so():
    assert fill_url(cluster(), "http://{service:nope}/") == ("http:///", 'There is no Service "nope" yet.')
