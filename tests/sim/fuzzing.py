"""Hostile inputs for the fuzz tests: manifests mutated from ones learners paste, kubectl lines, request bodies.

Every strategy here stays small (a few KB at most) so that a few hundred examples run in seconds.
"""

from __future__ import annotations

import json
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cluster.sim.teaching.seed import SEED_DEPLOYMENT, SEED_SERVICE

# CI runs a fixed, small sample (the same every run); PODIUM_FUZZ_EXAMPLES=2000 explores further locally.
EXAMPLES = int(os.environ.get("PODIUM_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=EXAMPLES or examples, deadline=None, derandomize=not EXAMPLES, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


POD = """apiVersion: v1
kind: Pod
metadata:
  name: app
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
      name: http
    env:
    - name: GREETING
      value: hello
    readinessProbe:
      httpGet:
        path: /
        port: http
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: blue
"""

SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
data:
  password: cGFzc3dvcmQ=
"""

NODEPORT = SEED_SERVICE.replace("  selector:", "  type: NodePort\n  selector:").replace(
    "    targetPort: 80", "    targetPort: 80\n    nodePort: 30080").replace("name: httpd-svc", "name: httpd-nodeport")

MANIFESTS = [yaml.safe_load(text) for text in (SEED_DEPLOYMENT, SEED_SERVICE, POD, CONFIGMAP, SECRET, NODEPORT)]

ODD_CHARACTERS = ["\x00", "\x01", "\x1b[31m", "\t", "\r", "\u2028", "\ufeff", "\ud800", "\udfff", "é", "😀",
                  "\x7f", "\\", '"', "'", ":", "#", "{", "}", "[", "]", "&a", "*a", "!", "%", "@", "`", "|", ">"]

hostile_text = st.lists(st.one_of(st.sampled_from(ODD_CHARACTERS), st.text(max_size=4)), max_size=6).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), hostile_text,
    st.integers(-(2**70), 2**70), st.integers(-3, 70000), st.sampled_from([10**30, 2**63, 2**64, -(2**63) - 1]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([2.0, 0.5, -1.0, 1e300, 3.0e-7]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)), max_leaves=6)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (the root excluded)."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*prefix, key))
            found.extend(paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append((*prefix, index))
            found.extend(paths(child, (*prefix, index)))
    return found


@st.composite
def mutated_objects(draw: st.DrawFn) -> Any:
    """A learner's manifest with a few values replaced, removed or added, to anything JSON can hold."""
    obj = json.loads(json.dumps(draw(st.sampled_from(MANIFESTS))))
    for _ in range(draw(st.integers(1, 3))):
        choices = paths(obj)
        if not choices:
            break
        path = draw(st.sampled_from(choices))
        parent = obj
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(hostile_text)] = draw(values)
        else:
            parent.append(draw(values))
    return obj


def as_yaml(obj: Any) -> str:
    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False)


SNIPPETS = ["\t", ": ", "- ", "&a ", "*a", "*b", "!!binary ", "!!str ", "!!int ", "\x00", "{", "[", "'", '"',
            "---\n", "...\n", "<<: *a\n", "\ufeff", "%YAML 1.1\n", "? ", "|\n", ">-\n", "\\u", "\\ud800", "0x",
            "1e999", "~", "null", "\n  ", "#", "@"]


@st.composite
def manifest_texts(draw: st.DrawFn) -> str:
    """The text a learner submits: a mutated object as YAML or JSON, maybe with stray characters in it."""
    obj = draw(mutated_objects())
    text = as_yaml(obj) if draw(st.booleans()) else json.dumps(obj, indent=draw(st.sampled_from([None, 2])))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.one_of(st.sampled_from(SNIPPETS), hostile_text)) + text[at:]
    if draw(st.integers(0, 5)) == 0:
        text = text + "---\n" + as_yaml(draw(mutated_objects()))
    return text


VERBS = ["get", "describe", "delete", "scale", "apply", "create", "expose", "run", "set", "label", "annotate",
         "rollout", "edit", "logs", "exec", "explain", "api-resources", "version", "config", "cluster-info",
         "patch", "replace", "wait", "top", "port-forward", "help", "completion", "drain", "cordon"]
WORDS = ["pods", "po", "deployment", "deploy/httpd", "svc", "service/httpd-svc", "rs", "nodes", "ns", "all",
         "configmaps", "secrets", "endpoints", "ep", "events", "httpd", "nginx", "httpd-svc", "app", "status",
         "history", "undo", "restart", "image", "generic", "clusterip", "nodeport", "-o", "wide", "yaml", "json",
         "jsonpath={.items[*].metadata.name}", "-n", "kube-system", "-A", "-l", "run=httpd", "-w", "--replicas",
         "--replicas=3", "--replicas=-1", "--replicas=99999", "--image=nginx", "--port=80", "--", "sh", "-c",
         "curl", "-f", "-", "--dry-run=client", "--grace-period=0", "--force", "-p",
         '{"spec":{"replicas":2}}', "--type=json", "[{\"op\":\"move\",\"from\":\"/x\",\"path\":\"/y\"}]",
         "--from-literal=a=b", "--selector", "app!=x", "--field-selector=status.phase=Running", "-h", "--help",
         "--sort-by=.metadata.name", "--show-labels", "--to-revision=99", "httpd=nginx:1.27", "--timeout=1s"]
kubectl_lines = st.lists(st.one_of(st.sampled_from(WORDS), hostile_text), max_size=6).flatmap(
    lambda rest: st.sampled_from(VERBS).map(lambda verb: " ".join(["kubectl", verb, *rest])))


@st.composite
def json_patches(draw: st.DrawFn) -> list[Any]:
    """RFC 6902 operations on paths that exist, nearly exist, or do not."""
    pointers = st.sampled_from(["", "/", "/data", "/data/colour", "/data/nope", "/metadata/labels",
                                "/metadata/labels/a", "/metadata/finalizers/-", "/metadata/finalizers/0",
                                "/spec/replicas", "/spec/template/spec/containers/0/image",
                                "/spec/template/spec/containers/-1", "/spec/template/spec/containers/x",
                                "/metadata/annotations", "/metadata/annotations/a~1b", "/status", "nope"])
    op = st.fixed_dictionaries(
        {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "explode"])},
        optional={"path": st.one_of(pointers, values), "from": st.one_of(pointers, values), "value": values})
    return draw(st.lists(st.one_of(op, values), max_size=5))
