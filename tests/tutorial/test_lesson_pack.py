"""The built-in lesson pack: every lesson passes its self-test; packs travel as files and back without a byte changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tutorial.lessons import PackError, build_cluster
from tutorial.models import Check, Lesson, Progress, Step
from tutorial.packs import PACK_DIR, export_pack, import_pack, lesson_data, read_pack
from tutorial.selftest import self_test

NOW = 1_800_000_000.0
PACK = read_pack()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pack(db):
    import_pack()


def tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def copy_lesson(tmp_path: Path, folder: str) -> Path:
    target = tmp_path / "pack" / folder
    shutil.copytree(PACK_DIR / folder, target)
    return target


def test_the_pack_has_the_seven_lessons_in_order():
    assert [lesson["slug"] for lesson in PACK] == [
        "how-services-reach-pods", "nodeport", "readiness-probes", "rolling-update", "service-dns",
        "session-affinity", "debugging-a-service"]
    assert all(lesson["published"] for lesson in PACK)


@pytest.mark.parametrize("data", PACK, ids=[lesson["slug"] for lesson in PACK])
def test_every_built_in_lesson_passes_its_self_test(data):
    report = self_test(data)
    assert report.ok, report.text()
    assert [step.number for step in report.steps] == list(range(1, len(data["steps"]) + 1))


def test_a_lesson_folder_names_its_texts_and_manifests_as_files():
    folder = PACK_DIR / "02-nodeport"
    lesson_yaml = (folder / "lesson.yaml").read_text()
    assert "setup: setup.yaml\n" in lesson_yaml and "body: step-01.md\n" in lesson_yaml
    assert "- apply: step-01-solution.yaml\n" in lesson_yaml
    assert "params: {service: web, type: NodePort}\n" in lesson_yaml
    data = next(lesson for lesson in PACK if lesson["slug"] == "nodeport")
    assert data["setup"] == (folder / "setup.yaml").read_text()
    assert data["steps"][0]["body"].startswith("The Service `web` already exists")


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


# ---- packs as files ------------------------------------------------------------------------------------------


def test_export_then_import_then_export_is_byte_identical(pack, tmp_path):
    call_command("export_lessons", str(tmp_path / "first"))
    assert tree(tmp_path / "first") == tree(PACK_DIR)  # the committed pack is exactly what export writes
    call_command("import_lessons", str(tmp_path / "first"))
    call_command("export_lessons", str(tmp_path / "second"))
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_importing_twice_changes_nothing(db):
    first = import_pack()
    assert len(first.created) == len(PACK)
    stamps = dict(Lesson.objects.values_list("slug", "updated_at"))
    again = import_pack()
    assert again.unchanged == [lesson["slug"] for lesson in PACK] and not again.updated
    assert dict(Lesson.objects.values_list("slug", "updated_at")) == stamps


def test_the_built_in_pack_keeps_lessons_edited_in_the_admin(pack):
    Lesson.objects.filter(slug="nodeport").update(builtin=False, title="My own NodePort lesson")
    report = import_pack()
    assert report.kept == ["nodeport"]
    assert Lesson.objects.get(slug="nodeport").title == "My own NodePort lesson"


def test_a_changed_lesson_file_updates_its_lesson_in_place_and_learners_keep_their_progress(pack, tmp_path):
    lesson = Lesson.objects.get(slug="nodeport")
    steps = list(lesson.steps.values_list("pk", flat=True))
    check = Check.objects.get(step__lesson=lesson, check_id="type-nodeport")
    progress = Progress.objects.create(lesson=lesson, session_key="learner-1", step_reached=2,
                                       passed=["type-nodeport", "outside-through-node"])

    folder = copy_lesson(tmp_path, "02-nodeport")
    text = (folder / "lesson.yaml").read_text()
    (folder / "lesson.yaml").write_text(text.replace("title: 'NodePort: reaching a Service from outside the cluster'",
                                                     "title: NodePort, revised"))
    body = folder / "step-02.md"
    body.write_text(body.read_text() + "\nOne more sentence.\n")
    report = import_pack(tmp_path / "pack")

    assert report.updated == ["nodeport"]
    lesson.refresh_from_db()
    assert lesson.title == "NodePort, revised" and not lesson.builtin
    assert list(lesson.steps.values_list("pk", flat=True)) == steps  # the same rows, updated
    assert Step.objects.get(lesson=lesson, order=2).body.endswith("\nOne more sentence.\n")
    assert Check.objects.get(step__lesson=lesson, check_id="type-nodeport").pk == check.pk
    assert Check.objects.filter(step__lesson=lesson).count() == 6
    progress.refresh_from_db()
    assert progress.passed == ["type-nodeport", "outside-through-node"] and progress.step_reached == 2
    assert import_pack(tmp_path / "pack").unchanged == ["nodeport"]


def test_a_step_removed_from_the_file_is_removed_and_its_checks_with_it(pack, tmp_path):
    folder = copy_lesson(tmp_path, "06-session-affinity")
    text = (folder / "lesson.yaml").read_text()
    (folder / "lesson.yaml").write_text(text[:text.index("\n\n  - title: How long a client sticks")] + "\n")
    import_pack(tmp_path / "pack")
    lesson = Lesson.objects.get(slug="session-affinity")
    assert list(lesson.steps.values_list("order", flat=True)) == [1, 2]
    assert not Check.objects.filter(step__lesson=lesson, check_id="timeout-60").exists()


def test_a_malformed_pack_names_the_file_and_imports_nothing(db, tmp_path):
    copy_lesson(tmp_path, "02-nodeport")
    broken = copy_lesson(tmp_path, "03-readiness-probes")
    (broken / "step-02.md").unlink()
    with pytest.raises(PackError, match=r"03-readiness-probes/lesson.yaml: step 2: body: there is no file "
                                        r"'step-02.md' in 03-readiness-probes/"):
        import_pack(tmp_path / "pack")
    assert not Lesson.objects.exists()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_lessons", str(tmp_path / "pack"))


def test_a_file_name_may_not_leave_the_lesson_folder(db, tmp_path):
    folder = copy_lesson(tmp_path, "02-nodeport")
    text = (folder / "lesson.yaml").read_text()
    (folder / "lesson.yaml").write_text(text.replace("setup: setup.yaml", "setup: ../../etc/passwd"))
    with pytest.raises(PackError, match=r"setup: '\.\./\.\./etc/passwd' must name a file inside the lesson's folder"):
        read_pack(tmp_path / "pack")


def test_a_lesson_written_as_one_yaml_file_still_imports_and_exports_as_a_folder(db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "hello.yaml").write_text(
        "slug: hello\ntitle: Hello\nsetup: |\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web\n  spec:\n"
        "    containers:\n    - name: web\n      image: nginx:1.27\n"
        "steps:\n- title: Delete the pod\n  body: Delete `web`.\n  solution:\n  - run: kubectl delete pod web\n"
        "  checks:\n  - {id: gone, title: The pod is gone, kind: object_absent, params: {kind: Pod, name: web}}\n")
    assert import_pack(tmp_path / "old").created == ["hello"]
    assert Lesson.objects.get(slug="hello").published
    export_pack([lesson_data(Lesson.objects.get(slug="hello"))], tmp_path / "new")
    assert sorted(tree(tmp_path / "new")) == ["100-hello/lesson.yaml", "100-hello/setup.yaml", "100-hello/step-01.md"]


def test_a_published_lesson_whose_self_test_fails_is_imported_as_a_draft(db, tmp_path):
    folder = copy_lesson(tmp_path, "02-nodeport")
    (folder / "step-01-solution.yaml").write_text((folder / "setup.yaml").read_text())  # "solves" nothing
    report = import_pack(tmp_path / "pack")
    assert report.created == ["nodeport"]
    assert "step 1: afterwards type-nodeport FAILS" in report.drafted["nodeport"]
    assert not Lesson.objects.get(slug="nodeport").published
    with pytest.raises(CommandError, match="kept as drafts, their self-test fails"):
        call_command("import_lessons", str(tmp_path / "pack"))
    assert not Lesson.objects.get(slug="nodeport").published


# ---- check_lessons -------------------------------------------------------------------------------------------


def test_check_lessons_reports_every_lesson_and_step(pack, capsys):
    call_command("check_lessons", "nodeport", "service-dns")
    out = capsys.readouterr().out
    assert "✓ nodeport — NodePort: reaching a Service from outside the cluster" in out
    assert "  ✓ step 2: Choose the node port yourself" in out
    assert "afterwards node-port-30080 passes: Service \"web\" is there as it should be." in out
    assert out.rstrip().endswith("2 of 2 lessons pass their self-test")


def test_check_lessons_names_the_step_whose_solution_does_not_pass(pack, capsys):
    step = Step.objects.get(lesson__slug="nodeport", order=2)
    step.solution = [{"run": "kubectl get pods"}]
    step.save()
    with pytest.raises(CommandError, match="self-test failed: nodeport"):
        call_command("check_lessons")
    out = capsys.readouterr().out
    assert "✗ nodeport" in out and "  ✗ step 2: Choose the node port yourself" in out
    assert ("✗ afterwards node-port-30080 FAILS: Service \"web\" has spec.ports[0].nodePort: 30268; it should be "
            "30080.") in out
    assert "6 of 7 lessons pass their self-test" in out


def test_check_lessons_exits_non_zero_on_failure_and_zero_when_all_pass(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "manage.py", "check_lessons", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=False)

    good = run("--dir", str(PACK_DIR), "nodeport")
    assert good.returncode == 0, good.stderr
    folder = copy_lesson(tmp_path, "02-nodeport")
    (folder / "step-02-solution.yaml").write_text((folder / "step-01-solution.yaml").read_text())
    bad = run("--dir", str(tmp_path / "pack"))
    assert bad.returncode == 1
    assert "CommandError: self-test failed: nodeport" in bad.stderr
    assert "✗ afterwards node-port-30080 FAILS" in bad.stdout


def test_a_lesson_with_no_steps_or_no_checks_fails_its_self_test():
    assert self_test({"slug": "empty", "title": "Empty", "steps": []}).problems() == [
        "the lesson has no steps: a learner would have nothing to do"]
    report = self_test({"slug": "reading", "title": "Reading", "steps": [{"title": "Read this", "body": "Hi"}]})
    assert report.problems() == ["no step has a check: a learner could never finish the lesson"]


def test_a_step_already_solved_before_its_solution_fails_the_self_test():
    setup = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"
    data = {"slug": "done", "title": "Done", "setup": setup, "steps": [{
        "title": "Make the pod", "solution": [{"apply": setup}],
        "checks": [{"id": "pod", "title": "pod web exists", "kind": "object_exists",
                    "params": {"kind": "Pod", "name": "web"}}]}]}
    assert self_test(data).problems() == [
        "step 1: already solved before its reference solution: every check passes, so a learner would find the "
        "step done"]


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
