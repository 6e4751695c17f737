"""Every shipped lesson tests itself: its starting state completes no step, its reference solution passes."""

from __future__ import annotations

import pytest

from tutorial.checks import evaluate
from tutorial.lessons import PACK_DIR, build_cluster, load_pack, perform, read_pack
from tutorial.models import Check, Lesson

NOW = 1_800_000_000.0
PACK = read_pack()


@pytest.fixture
def pack(db):
    load_pack()


def test_the_pack_has_the_seven_lessons_in_order():
    assert [lesson["slug"] for lesson in PACK] == [
        "how-services-reach-pods", "nodeport", "readiness-probes", "rolling-update", "service-dns",
        "session-affinity", "debugging-a-service"]


@pytest.mark.parametrize("slug", [lesson["slug"] for lesson in PACK])
def test_lesson_starts_unsolved_and_its_reference_solution_passes_every_step(pack, slug):
    lesson = Lesson.objects.get(slug=slug)
    cluster = build_cluster(lesson, NOW)
    steps = list(lesson.steps.prefetch_related("checks"))
    assert any(step.checks.all() for step in steps)

    starter = {step.order: evaluate(step.checks.all(), cluster) for step in steps}
    for order, results in starter.items():
        if results:
            assert not all(r["passed"] for r in results), f"step {order} is already done before the learner starts"

    for step in steps:
        perform(cluster, step.solution)
        results = evaluate(step.checks.all(), cluster)
        failing = [f'{r["id"]}: {r["detail"]}' for r in results if not r["passed"]]
        assert not failing, f"step {step.order} ({step.title}) after its solution"


def test_lesson_one_starts_from_the_old_manifest_with_nginx_already_running(pack):
    lesson = Lesson.objects.get(slug="how-services-reach-pods")
    cluster = build_cluster(lesson, NOW)
    nginx = cluster.store.list("Pod", "default", {"app": "nginx"})
    assert [p["status"]["phase"] for p in nginx] == ["Running"] * 3
    assert lesson.steps.first().starter.startswith("apiVersion: apps/v1beta1\nkind: Deployment")
    kubernetes = cluster.store.get("Service", "default", "kubernetes")
    assert kubernetes["spec"]["clusterIP"] == "10.68.0.1"


def test_the_old_manifest_is_answered_like_a_real_cluster_with_the_apps_v1_form_as_a_hint(pack):
    from cluster.sim import kubectl

    lesson = Lesson.objects.get(slug="how-services-reach-pods")
    cluster = build_cluster(lesson, NOW)
    result = kubectl.run(cluster, ["apply", "-f", "-"], stdin=lesson.steps.first().starter)
    assert result.exit_code == 1
    assert result.stderr == (
        'error: resource mapping not found for name: "httpd" namespace: "" from "STDIN": no matches for kind '
        '"Deployment" in version "apps/v1beta1"\nensure CRDs are installed first\n')
    assert "apiVersion: apps/v1\n" in result.hint and "matchLabels:\n" in result.hint


def test_loading_twice_changes_nothing_and_keeps_instructor_lessons(db, tmp_path):
    first = load_pack()
    assert len(first.created) == len(PACK)
    assert load_pack().unchanged == [lesson["slug"] for lesson in PACK]

    Lesson.objects.filter(slug="nodeport").update(builtin=False, title="My own NodePort lesson")
    report = load_pack()
    assert report.kept == ["nodeport"]
    assert Lesson.objects.get(slug="nodeport").title == "My own NodePort lesson"


def test_a_changed_lesson_file_updates_its_lesson(db, tmp_path):
    source = PACK_DIR / "02-nodeport.yaml"
    (tmp_path / "02-nodeport.yaml").write_text(source.read_text())
    load_pack(tmp_path)
    (tmp_path / "02-nodeport.yaml").write_text(source.read_text().replace(
        'title: "NodePort: reaching a Service from outside the cluster"', "title: NodePort, revised"))
    assert load_pack(tmp_path).updated == ["nodeport"]
    assert Lesson.objects.get(slug="nodeport").title == "NodePort, revised"
    assert Check.objects.filter(step__lesson__slug="nodeport").count() == 6


POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"


def _ready_at(lesson: Lesson) -> float:
    """When the setup's pod turns Ready, in cluster seconds after the lesson's setup was applied."""
    from cluster.sim.apiserver.pods import ready_since

    cluster = build_cluster(lesson, NOW)
    cluster.advance_by(120)
    since = ready_since(cluster.store.get("Pod", "default", "web"))
    assert since is not None
    return since - NOW


def test_a_lessons_stage_delay_changes_when_its_pods_become_ready(db):
    plain = Lesson(slug="plain", title="Plain", settings={"seed": 7}, setup=POD, setup_age=0)
    slow = Lesson(slug="slow", title="Slow", settings={"seed": 7, "stages": {"sandbox": {"delay": 45}}}, setup=POD,
                  setup_age=0)
    slow.full_clean()
    assert _ready_at(plain) < 15
    assert 45 < _ready_at(slow) < 60


def test_the_admin_refuses_a_stage_override_the_kubelet_does_not_have(db):
    from django.core.exceptions import ValidationError

    lesson = Lesson(slug="x", title="X", settings={"stages": {"sandbox": {"delay": -1}, "pulled": {"delay": 1}}})
    with pytest.raises(ValidationError) as err:
        lesson.full_clean()
    problems = err.value.message_dict["settings"]
    assert "stages.sandbox.delay: a number of seconds, 0 or more" in problems
    assert any(p.startswith("stages.pulled.delay: not a setting of this stage") for p in problems)
