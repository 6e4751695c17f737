"""cordon, uncordon, drain, taint, patch and annotate, printing what kubectl 1.32 prints."""

from __future__ import annotations

import copy

from cluster.sim import kubectl
from tests.sim.factories import seed_cluster


def test_cordon_keeps_new_pods_off_the_node_and_says_when_already_done() -> None:
    c = seed_cluster()
    first = kubectl.run_line(c, "cordon podium-worker")
    again = kubectl.run_line(c, "cordon podium-worker")
    kubectl.run_line(c, "scale deploy nginx --replicas=8")
    c.advance_by(30)

    assert (first.stdout, again.stdout) == ("node/podium-worker cordoned\n", "node/podium-worker already cordoned\n")
    assert "Ready,SchedulingDisabled" in kubectl.run_line(c, "get node podium-worker").stdout
    new = [p for p in c.store.list("Pod", "default", {"app": "nginx"})][3:]
    assert new and all(p["spec"].get("nodeName") != "podium-worker" for p in c.store.list("Pod", "default")
                       if p["metadata"]["creationTimestamp"] > new[0]["metadata"]["creationTimestamp"])
    assert kubectl.run_line(c, "uncordon podium-worker").stdout == "node/podium-worker uncordoned\n"


def test_taint_adds_and_removes_and_names_what_is_not_there() -> None:
    c = seed_cluster()
    added = kubectl.run_line(c, "taint nodes podium-worker dedicated=web:NoSchedule")
    clash = kubectl.run_line(c, "taint nodes podium-worker dedicated=db:NoSchedule")
    removed = kubectl.run_line(c, "taint nodes podium-worker dedicated:NoSchedule-")
    missing = kubectl.run_line(c, "taint nodes podium-worker dedicated:NoSchedule-")
    bad = kubectl.run_line(c, "taint nodes podium-worker dedicated=web:Sometimes")

    assert added.stdout == "node/podium-worker tainted\n"
    assert clash.stderr == ("error: node podium-worker already has dedicated taint(s) with same effect(s) and "
                            "--overwrite is false\n")
    assert removed.stdout == "node/podium-worker untainted\n"
    assert (missing.stderr, missing.exit_code) == ('error: taint "dedicated:NoSchedule" not found\n', 1)
    assert bad.stderr == "error: invalid taint spec: dedicated=web:Sometimes, unsupported taint effect\n"


def test_drain_refuses_a_pod_without_controller_unless_forced_then_evicts_everything() -> None:
    c = seed_cluster()
    kubectl.run_line(c, "run solo --image=nginx")
    c.advance_by(30)
    node = c.store.get("Pod", "default", "solo")["spec"]["nodeName"]
    refused = kubectl.run_line(c, f"drain {node}")
    forced = kubectl.run_line(c, f"drain {node} --force")

    assert refused.stdout == f"node/{node} cordoned\n"
    assert refused.stderr == (
        f'error: unable to drain node "{node}" due to error: cannot delete Pods that declare no controller (use '
        "--force to override): default/solo, continuing command...\nThere are pending nodes to be drained:\n"
        f" {node}\ncannot delete Pods that declare no controller (use --force to override): default/solo\n")
    assert forced.stderr == "Warning: deleting Pods that declare no controller: default/solo\n"
    lines = forced.stdout.splitlines()
    assert lines[0] == f"node/{node} already cordoned" and lines[-1] == f"node/{node} drained"
    assert "evicting pod default/solo" in lines and "pod/solo evicted" in lines
    assert not [p for p in c.store.list("Pod") if p["spec"].get("nodeName") == node]


def test_patch_and_annotate_print_patched_no_change_and_overwrite_errors() -> None:
    c = seed_cluster()
    patched = kubectl.run_line(c, """patch deploy httpd -p '{"spec":{"replicas":3}}'""")
    same = kubectl.run_line(c, """patch deploy httpd --type=merge -p '{"spec":{"replicas":3}}'""")
    json_patch = kubectl.run_line(c, """patch deploy httpd --type=json -p '[{"op":"replace","path":"/spec/replicas","value":1}]'""")
    bad_type = kubectl.run_line(c, "patch deploy httpd --type=xyz -p '{}'")
    no_patch = kubectl.run_line(c, "patch deploy httpd")
    annotated = kubectl.run_line(c, "annotate deploy httpd team=a")
    clash = kubectl.run_line(c, "annotate deploy httpd team=b")

    assert patched.stdout == "deployment.apps/httpd patched\n"
    assert same.stdout == "deployment.apps/httpd patched (no change)\n"
    assert json_patch.stdout == "deployment.apps/httpd patched\n"
    assert c.store.get("Deployment", "default", "httpd")["spec"]["replicas"] == 1
    assert bad_type.stderr == 'error: --type must be one of [json merge strategic], not "xyz"\n'
    assert no_patch.stderr == "error: must specify --patch or --patch-file containing the contents of the patch\n"
    assert annotated.stdout == "deployment.apps/httpd annotated\n"
    assert clash.stderr == ("error: --overwrite is false but found the following declared annotation(s): 'team' "
                            "already has a value (a)\n")
    assert c.store.get("Deployment", "default", "httpd")["metadata"]["annotations"]["team"] == "a"


def test_a_patch_nested_thousands_deep_is_refused_and_changes_nothing() -> None:
    c = seed_cluster()
    before = copy.deepcopy(c.store.get("Deployment", "default", "nginx"))
    deep = "[" * 50_000 + "]" * 50_000
    refused = kubectl.run(c, ["patch", "deployment", "nginx", "--type=json", "-p", deep])

    assert refused.exit_code == 1
    assert refused.stderr.startswith('error: unable to parse "[[[')
    assert "nests deeper than 100 levels" in refused.stderr
    assert c.store.get("Deployment", "default", "nginx") == before
