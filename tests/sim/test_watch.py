"""`kubectl get -w`: the listing, then one row per change, as kubectl 1.32 prints a watch."""

from __future__ import annotations

from cluster.sim import kubectl
from cluster.sim.cluster import Cluster
from cluster.sim.kubectl.watch import Watcher
from tests.sim.factories import deployment, pod, seed_cluster


def watching(c: Cluster, line: str) -> tuple[kubectl.Result, Watcher]:
    c.store.drain_changes()
    result = kubectl.run_line(c, line)
    assert result.exit_code == 0, result.stderr
    assert result.watch is not None
    return result, result.watch


def printed(c: Cluster, watcher: Watcher) -> str:
    """What the watch prints for everything that changed since the last call."""
    return "".join(watcher.change(ch.type, ch.obj, c.now, ch.rv) for ch in c.store.drain_changes())


def test_get_w_lists_the_pods_then_prints_a_row_per_change_without_a_second_header() -> None:
    c = seed_cluster()
    listing, watcher = watching(c, "get pods -l run=httpd -w")
    c.api.scale("Deployment", "default", "httpd", 3)
    c.settle()
    created = printed(c, watcher)
    c.advance_by(30)
    started = printed(c, watcher)

    assert listing.stdout.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert len(listing.stdout.splitlines()) == 3
    new = [line.split() for line in (created + started).splitlines()]
    assert all(row[0] not in listing.stdout for row in new), "only the new pod changed"
    assert new[0][2] == "Pending"
    assert new[-1][1:3] == ["1/1", "Running"]
    assert "NAME" not in created + started


def test_rows_keep_the_columns_as_wide_as_the_widest_row_so_far() -> None:
    c = seed_cluster()
    _, watcher = watching(c, "get pods -w")
    c.api.apply(pod("a-pod-with-a-much-longer-name-than-the-others"))
    c.settle()
    long_rows = printed(c, watcher)
    c.api.apply(pod("short"))
    c.settle()
    short_rows = printed(c, watcher)

    # kubectl's tab writer remembers widths (RememberWidths): a short name is padded to the long one's column
    assert long_rows.splitlines()[0].index("0/1") == short_rows.splitlines()[0].index("0/1")


def test_watch_only_prints_nothing_until_a_change_and_then_the_header_once() -> None:
    c = seed_cluster()
    listing, watcher = watching(c, "get deployments --watch-only")
    c.api.scale("Deployment", "default", "nginx", 1)
    c.settle()
    out = printed(c, watcher)

    assert listing.stdout == ""
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert all(line.split()[0] == "nginx" for line in lines[1:]) and len(lines) > 1
    assert "NAME" not in "".join(lines[1:])


def test_a_pod_that_stops_matching_the_selector_is_printed_once_more_then_not_at_all() -> None:
    c = seed_cluster()
    listing, watcher = watching(c, "get pods -l run=httpd -w --output-watch-events")
    name = c.store.list("Pod", "default", {"run": "httpd"})[0]["metadata"]["name"]
    kubectl.run_line(c, f"label pod {name} run=other --overwrite")
    c.settle()
    out = printed(c, watcher)
    kubectl.run_line(c, f"label pod {name} tier=web")
    after = printed(c, watcher)

    rows = [line.split() for line in out.splitlines()]
    assert [r[:2] for r in (line.split() for line in listing.stdout.splitlines())][:2] == [
        ["EVENT", "NAME"], ["ADDED", listing.stdout.splitlines()[1].split()[1]]]
    assert ["DELETED", name] in [r[:2] for r in rows]  # the watch cache says DELETED when it stops matching
    assert name not in after


def test_deleting_a_watched_pod_prints_it_terminating() -> None:
    c = seed_cluster()
    _, watcher = watching(c, "get pods -w")
    name = c.store.list("Pod", "default", {"app": "nginx"})[0]["metadata"]["name"]
    kubectl.run_line(c, f"delete pod {name} --wait=false")
    c.advance_by(40)
    rows = [line.split() for line in printed(c, watcher).splitlines() if line.split()[0] == name]

    assert rows and all(r[2] == "Terminating" for r in rows)


def test_watch_o_name_and_yaml_print_each_event_as_its_printer_does() -> None:
    c = seed_cluster()
    _, names = watching(c, "get deploy httpd -w -o name")
    c.store.recording = True
    c.api.scale("Deployment", "default", "httpd", 1)
    c.settle()
    changes = c.store.drain_changes()
    by_name = "".join(names.change(ch.type, ch.obj, c.now, ch.rv) for ch in changes)
    _, yamls = watching(c, "get deploy httpd --watch-only -o yaml")
    by_yaml = "".join(yamls.change(ch.type, ch.obj, c.now, ch.rv + 10_000) for ch in changes
                      if ch.obj["kind"] == "Deployment")

    assert set(by_name.splitlines()) == {"deployment.apps/httpd"}
    assert by_yaml.startswith("apiVersion: apps/v1\nkind: Deployment\n")
    assert by_yaml.count("\n---\n") == by_yaml.count("kind: Deployment\n") - 1


def test_watching_two_types_or_a_missing_name_is_refused_as_kubectl_refuses_it() -> None:
    c = seed_cluster()
    c.api.apply(deployment("web", 1))
    two_types = kubectl.run_line(c, "get pods,svc -w")
    two_kinds = kubectl.run_line(c, "get pod/x svc/y -w")
    missing = kubectl.run_line(c, "get pod nope -w")

    assert (two_types.stderr, two_types.exit_code, two_types.watch) == (
        "error: you may only specify a single resource type\n", 1, None)
    assert two_kinds.stderr == ("error: watch is only supported on individual resources and resource collections "
                                "- more than 1 resource was found\n")
    assert (missing.stderr, missing.watch) == ('Error from server (NotFound): pods "nope" not found\n', None)


def test_changes_before_the_watch_began_are_not_printed_again() -> None:
    c = seed_cluster()
    c.store.drain_changes()
    c.api.scale("Deployment", "default", "httpd", 3)
    c.settle()
    earlier = c.store.drain_changes()
    _, watcher = watching(c, "get pods -w")

    assert "".join(watcher.change(ch.type, ch.obj, c.now, ch.rv) for ch in earlier) == ""
