"""kubectl describe (kubectl/pkg/describe/describe.go) for the kinds Podium simulates."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from cluster.sim.apimachinery.labels import format_label_selector, format_labels, selector_string
from cluster.sim.apimachinery.timeutil import age, parse_rfc3339, rfc1123z
from cluster.sim.apiserver.tables import Obj, Reader, node_roles
from cluster.sim.kubectl.tabwriter import TabWriter

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class _Writer:
    """PrefixWriter over a describe tab writer (minwidth 0, tabwidth 8, padding 2)."""

    def __init__(self) -> None:
        self.tab = TabWriter(0, 8, 2)

    def __call__(self, level: int, text: str) -> None:
        self.tab.write("  " * level + text)

    def flush(self) -> None:
        self.tab.flush()

    def result(self) -> str:
        self.tab.flush()
        return self.tab.getvalue()


def _meta(obj: Obj) -> Obj:
    meta: Obj = obj.get("metadata") or {}
    return meta


def _time(ts: str | None) -> str:
    """time.RFC1123Z; a zero time prints as Go's zero date."""
    if not ts:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    return rfc1123z(parse_rfc3339(ts))


def _labels(w: _Writer, title: str, labels: dict[str, str] | None, initial: str = "") -> None:
    # mirrors printLabelsMultilineWithIndent
    w(0, f"{initial}{title}:\t")
    if not labels:
        w(0, "<none>\n")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w(0, initial + "\t")
        w(0, f"{key}={labels[key]}\n")


def _annotations(w: _Writer, title: str, annotations: dict[str, str] | None) -> None:
    # mirrors printAnnotationsMultiline: last-applied-configuration skipped, long values wrapped
    w(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != LAST_APPLIED)
    if not keys:
        w(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w(0, "\t")
        value = (annotations or {})[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w(0, f"{key}:\n")
            for line in value.split("\n"):
                shown = line if len(line) <= MAX_ANNOTATION_LEN - 2 else line[:MAX_ANNOTATION_LEN - 2] + "..."
                w(0, f"\t  {shown}\n")
        else:
            w(0, f"{key}: {value}\n")


def _controller(obj: Obj) -> str:
    for ref in _meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return ""


# ---------------------------------------------------------------- events


def _event_time(ev: Obj) -> float:
    # mirrors SortableEvents: lastTimestamp, else eventTime
    stamp = ev.get("lastTimestamp") or ev.get("eventTime") or ev.get("firstTimestamp")
    return parse_rfc3339(stamp) if stamp else 0.0


def events_for(obj: Obj, reader: Reader, *, match_kind: bool = True, uid: str | None = None) -> list[Obj]:
    """Events whose involvedObject is obj (searchEvents' field selector)."""
    meta = _meta(obj)
    wanted_uid = meta.get("uid", "") if uid is None else uid
    found = []
    for ev in reader.list("Event", meta.get("namespace") or None):
        involved = ev.get("involvedObject") or {}
        if involved.get("name") != meta.get("name"):
            continue
        if meta.get("namespace") and involved.get("namespace", "") != meta.get("namespace"):
            continue
        if match_kind and involved.get("kind") != obj.get("kind"):
            continue
        if wanted_uid and involved.get("uid") and involved.get("uid") != wanted_uid:
            continue
        found.append(ev)
    return found


def describe_events(w: _Writer, events: list[Obj], now: float) -> None:
    """DescribeEvents: the table is laid out apart from the fields above it."""
    if not events:
        w(0, "Events:\t<none>\n")
        return
    w.flush()
    w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w(1, "----\t------\t----\t----\t-------\n")
    for ev in sorted(events, key=_event_time):
        first = age(now, ev.get("eventTime")) if ev.get("eventTime") else age(now, ev.get("firstTimestamp"))
        if ev.get("series"):
            interval = f"{age(now, ev['series'].get('lastObservedTime'))} (x{ev['series'].get('count', 0)} over {first})"
        elif ev.get("count", 0) > 1:
            interval = f"{age(now, ev.get('lastTimestamp'))} (x{ev['count']} over {first})"
        else:
            interval = first
        source = (ev.get("source") or {}).get("component") or ev.get("reportingController", "")
        w(1, f"{ev.get('type', '')}\t{ev.get('reason', '')}\t{interval}\t{source}\t{ev.get('message', '').strip()}\n")


# ---------------------------------------------------------------- pods and templates


def _intstr(value: Any) -> str:
    return str(value) if value is not None else ""


def describe_probe(probe: Obj) -> str:
    """DescribeProbe: `http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3`."""
    attrs = (f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
             f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
             f"#failure={probe.get('failureThreshold', 3)}")
    if "exec" in probe:
        return f"exec [{' '.join((probe['exec'] or {}).get('command') or [])}] {attrs}"
    if "httpGet" in probe:
        get = probe["httpGet"] or {}
        host, port = get.get("host", ""), _intstr(get.get("port"))
        netloc = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if port else host
        path = get.get("path", "")
        if path and not path.startswith("/") and netloc:
            path = "/" + path
        return f"http-get {get.get('scheme', 'HTTP').lower()}://{netloc}{path} {attrs}"
    if "tcpSocket" in probe:
        sock = probe["tcpSocket"] or {}
        return f"tcp-socket {sock.get('host', '')}:{_intstr(sock.get('port'))} {attrs}"
    if "grpc" in probe:
        grpc = probe["grpc"] or {}
        return f"grpc <pod>:{grpc.get('port')} {grpc.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _container_state(w: _Writer, title: str, state: Obj) -> None:
    # mirrors describeStatus
    if state.get("running") is not None:
        w(2, f"{title}:\tRunning\n")
        w(3, f"Started:\t{_time(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w(2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w(3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w(3, f"Message:\t{term['message']}\n")
        w(3, f"Exit Code:\t{term.get('exitCode', 0)}\n")
        if term.get("signal", 0) > 0:
            w(3, f"Signal:\t{term['signal']}\n")
        w(3, f"Started:\t{_time(term.get('startedAt'))}\n")
        w(3, f"Finished:\t{_time(term.get('finishedAt'))}\n")
    else:
        w(2, f"{title}:\tWaiting\n")


def _resources(w: _Writer, resources: Obj | None, level: int) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = (resources or {}).get(key) or {}
        if values:
            w(level, f"{title}:\n")
        for name in sorted(values):
            w(level + 1, f"{name}:\t{values[name]}\n")


def _env(w: _Writer, container: Obj, pod: Obj | None) -> None:
    env = container.get("env") or []
    w(2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for var in env:
        source = var.get("valueFrom")
        if source is None:
            for i, line in enumerate(str(var.get("value", "")).split("\n")):
                w(3, f"{var['name']}:\t{line}\n" if i == 0 else f"\t{line}\n")
        elif "fieldRef" in source:
            ref = source["fieldRef"]
            value = _field_value(pod, ref.get("fieldPath", "")) if pod else ""
            w(3, f"{var['name']}:\t{value} ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n")
        elif "resourceFieldRef" in source:
            w(3, f"{var['name']}:\t ({source['resourceFieldRef'].get('resource', '')})\n")
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            w(3, f"{var['name']}:\t<set to the key '{ref.get('key')}' in secret '{ref.get('name')}'>\t"
                 f"Optional: {'true' if ref.get('optional') else 'false'}\n")
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            w(3, f"{var['name']}:\t<set to the key '{ref.get('key')}' of config map '{ref.get('name')}'>\t"
                 f"Optional: {'true' if ref.get('optional') else 'false'}\n")


def _field_value(pod: Obj, path: str) -> str:
    meta, spec, status = _meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    simple = {"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
              "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
              "spec.serviceAccountName": spec.get("serviceAccountName"), "status.hostIP": status.get("hostIP"),
              "status.podIP": status.get("podIP")}
    if path in simple:
        return str(simple[path] or "")
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    return ""


def _containers(w: _Writer, title: str, containers: list[Obj], statuses: list[Obj] | None,
                pod: Obj | None, space: str) -> None:
    # mirrors describeContainers
    by_name = {s.get("name"): s for s in statuses or []}
    w(0, f"{space}{title}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        w(1, f"{' ' if space else ''}{c.get('name')}:\n")
        if status is not None:
            w(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = c.get("ports") or []
        port_text = ", ".join(f"{p.get('containerPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports)
        host_text = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports)
        w(2, f"Ports:\t{port_text}\n" if "," in port_text else f"Port:\t{port_text or '<none>'}\n")
        w(2, f"Host Ports:\t{host_text}\n" if "," in host_text else f"Host Port:\t{host_text or '<none>'}\n")
        for title_, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w(2, f"{title_}:\n")
                for item in c[key]:
                    for line in str(item).split("\n"):
                        w(3, f"{line}\n")
        if status is not None:
            _container_state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                _container_state(w, "Last State", last)
            w(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _resources(w, c.get("resources"), 2)
        for title_, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                            ("Startup", "startupProbe")):
            if c.get(key):
                w(2, f"{title_}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w(2, "Environment Variables from:\n")
            for source in c["envFrom"]:
                kind, ref = ("ConfigMap", source["configMapRef"]) if "configMapRef" in source else (
                    "Secret", source.get("secretRef") or {})
                prefix = f" with prefix '{source['prefix']}'" if source.get("prefix") else ""
                w(3, f"{ref.get('name')}\t{kind}{prefix}\tOptional: {'true' if ref.get('optional') else 'false'}\n")
        _env(w, c, pod)
        mounts = c.get("volumeMounts") or []
        w(2, "Mounts:" + ("" if mounts else "\t<none>") + "\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _volumes(w: _Writer, volumes: list[Obj], space: str) -> None:
    # mirrors describeVolumes for the sources a lesson can meet
    if not volumes:
        w(0, f"{space}Volumes:\t<none>\n")
        return
    w(0, f"{space}Volumes:\n")
    for volume in volumes:
        w(1, f"{' ' if space else ''}{volume.get('name')}:\n")
        if "emptyDir" in volume:
            src = volume["emptyDir"] or {}
            w(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                 f"    Medium:\t{src.get('medium', '')}\n    SizeLimit:\t{src.get('sizeLimit') or '<unset>'}\n")
        elif "hostPath" in volume:
            src = volume["hostPath"] or {}
            w(2, "Type:\tHostPath (bare host directory volume)\n"
                 f"    Path:\t{src.get('path', '')}\n    HostPathType:\t{src.get('type') or '<none>'}\n")
        elif "configMap" in volume:
            src = volume["configMap"] or {}
            w(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                 f"    Name:\t{src.get('name', '')}\n    Optional:\t{'true' if src.get('optional') else 'false'}\n")
        elif "secret" in volume:
            src = volume["secret"] or {}
            w(2, "Type:\tSecret (a volume populated by a Secret)\n"
                 f"    SecretName:\t{src.get('secretName', '')}\n"
                 f"    Optional:\t{'true' if src.get('optional') else 'false'}\n")
        elif "persistentVolumeClaim" in volume:
            src = volume["persistentVolumeClaim"] or {}
            w(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                 f"    ClaimName:\t{src.get('claimName', '')}\n"
                 f"    ReadOnly:\t{'true' if src.get('readOnly') else 'false'}\n")
        elif "projected" in volume:
            w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for source in (volume["projected"] or {}).get("sources") or []:
                if "secret" in source:
                    src = source["secret"] or {}
                    w(2, f"SecretName:\t{src.get('name', '')}\n"
                         f"    Optional:\t{'true' if src.get('optional') else 'false'}\n")
                elif "downwardAPI" in source:
                    w(2, "DownwardAPI:\ttrue\n")
                elif "configMap" in source:
                    src = source["configMap"] or {}
                    w(2, f"ConfigMapName:\t{src.get('name', '')}\n"
                         f"    Optional:\t{'true' if src.get('optional') else 'false'}\n")
                elif "serviceAccountToken" in source:
                    w(2, f"TokenExpirationSeconds:\t{(source['serviceAccountToken'] or {}).get('expirationSeconds', 3600)}\n")
        else:
            w(1, "<unknown>\n")


def _tolerations(w: _Writer, title: str, tolerations: list[Obj] | None) -> None:
    # mirrors printTolerationsMultilineWithIndent
    w(0, f"{title}:\t")
    if not tolerations:
        w(0, "<none>\n")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += "=" + t["value"]
        if t.get("effect"):
            text += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if t.get("key") or t.get("effect") else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w(0, text + "\n")


def qos_class(pod: Obj) -> str:
    """GetPodQOS: status.qosClass, else computed from requests and limits."""
    if (pod.get("status") or {}).get("qosClass"):
        return str(pod["status"]["qosClass"])
    spec = pod.get("spec") or {}
    containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        requests.update(req)
        limits.update(lim)
        if set(lim) != {"cpu", "memory"} or any(req.get(k, lim[k]) != lim[k] for k in lim):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def describe_pod(pod: Obj, reader: Reader, now: float) -> str:
    """describePod."""
    meta, spec, status = _meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    w = _Writer()
    w(0, f"Name:\t{meta.get('name')}\n")
    w(0, f"Namespace:\t{meta.get('namespace')}\n")
    if spec.get("priority") is not None:
        w(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    w(0, f"Node:\t{spec['nodeName'] + '/' + status.get('hostIP', '') if spec.get('nodeName') else '<none>'}\n")
    if status.get("startTime"):
        w(0, f"Start Time:\t{_time(status['startTime'])}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    if meta.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        w(0, f"Status:\tTerminating (lasts {age(now, meta['deletionTimestamp'])})\n")
        w(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w(0, f"Message:\t{status['message']}\n")
    w(0, f"IP:\t{status.get('podIP', '')}\n")
    if status.get("podIPs"):
        w(0, "IPs:\n")
        for ip in status["podIPs"]:
            w(1, f"IP:\t{ip.get('ip', '')}\n")
    else:
        w(0, "IPs:\t<none>\n")
    if _controller(pod):
        w(0, f"Controlled By:\t{_controller(pod)}\n")
    if status.get("nominatedNodeName"):
        w(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), pod, "")
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod, "")
    if spec.get("readinessGates"):
        w(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            found = next((c.get("status") for c in status.get("conditions") or []
                          if c.get("type") == gate.get("conditionType")), "<none>")
            w(1, f"{gate.get('conditionType')} \t{found} \n")
    if status.get("conditions"):
        w(0, "Conditions:\n  Type\tStatus\n")
        for cond in status["conditions"]:
            w(1, f"{cond.get('type')} \t{cond.get('status')} \n")
    _volumes(w, spec.get("volumes") or [], "")
    w(0, f"QoS Class:\t{qos_class(pod)}\n")
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations"))
    describe_events(w, events_for(pod, reader, match_kind=False), now)
    return w.result()


def _pod_template(w: _Writer, template: Obj) -> None:
    # mirrors DescribePodTemplate
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    w(0, "Pod Template:\n")
    _labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    _volumes(w, spec.get("volumes") or [], "  ")
    if spec.get("priorityClassName"):
        w(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "  Tolerations", spec.get("tolerations"))


def _owned_by(obj: Obj, owner: Obj) -> bool:
    uid = _meta(owner).get("uid")
    return any(ref.get("controller") and ref.get("uid") == uid for ref in _meta(obj).get("ownerReferences") or [])


def _pods_status(rs: Obj, reader: Reader) -> str:
    # mirrors getPodStatusForController
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    match_labels = ((rs.get("spec") or {}).get("selector") or {}).get("matchLabels")
    for pod in reader.list("Pod", _meta(rs).get("namespace"), match_labels):
        phase = (pod.get("status") or {}).get("phase", "")
        if _owned_by(pod, rs) and phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def describe_replicaset(rs: Obj, reader: Reader, now: float) -> str:
    """describeReplicaSet."""
    meta, spec, status = _meta(rs), rs.get("spec") or {}, rs.get("status") or {}
    w = _Writer()
    w(0, f"Name:\t{meta.get('name')}\n")
    w(0, f"Namespace:\t{meta.get('namespace')}\n")
    w(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    if _controller(rs):
        w(0, f"Controlled By:\t{_controller(rs)}\n")
    w(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w(0, f"Pods Status:\t{_pods_status(rs, reader)}\n")
    _pod_template(w, spec.get("template") or {})
    if status.get("conditions"):
        w(0, "Conditions:\n  Type\tStatus\tReason\n")
        w(1, "----\t------\t------\n")
        for cond in status["conditions"]:
            w(1, f"{cond.get('type')} \t{cond.get('status')}\t{cond.get('reason', '')}\n")
    describe_events(w, events_for(rs, reader), now)
    return w.result()


def _without_hash(template: Obj) -> Obj:
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != "pod-template-hash"}
    meta["labels"] = labels
    return {**template, "metadata": meta}


def describe_deployment(d: Obj, reader: Reader, now: float) -> str:
    """describeDeployment."""
    meta, spec, status = _meta(d), d.get("spec") or {}, d.get("status") or {}
    owned = [rs for rs in reader.list("ReplicaSet", meta.get("namespace")) if _owned_by(rs, d)]
    owned.sort(key=lambda rs: (_meta(rs).get("creationTimestamp", ""), _meta(rs).get("name", "")))
    template = _without_hash(spec.get("template") or {})
    new = next((rs for rs in owned if _without_hash((rs.get("spec") or {}).get("template") or {}) == template), None)
    old = [rs for rs in owned if rs is not new]
    w = _Writer()
    w(0, f"Name:\t{meta.get('name')}\n")
    w(0, f"Namespace:\t{meta.get('namespace')}\n")
    w(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
         f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
         f"{status.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"]
        w(0, f"RollingUpdateStrategy:\t{_intstr(ru.get('maxUnavailable'))} max unavailable, "
             f"{_intstr(ru.get('maxSurge'))} max surge\n")
    _pod_template(w, spec.get("template") or {})
    if status.get("conditions"):
        w(0, "Conditions:\n  Type\tStatus\tReason\n")
        w(1, "----\t------\t------\n")
        for cond in status["conditions"]:
            w(1, f"{cond.get('type')} \t{cond.get('status')}\t{cond.get('reason', '')}\n")
    if owned:
        w(0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
        w(0, f"NewReplicaSet:\t{_replica_sets_text([new] if new else [])}\n")
    describe_events(w, events_for(d, reader), now)
    return w.result()


def _replica_sets_text(sets: list[Obj]) -> str:
    # mirrors printReplicaSetsByLabels
    text = ", ".join(f"{_meta(rs).get('name')} ({(rs.get('status') or {}).get('replicas', 0)}/"
                     f"{(rs.get('spec') or {}).get('replicas', 1)} replicas created)" for rs in sets)
    return text or "<none>"


# ---------------------------------------------------------------- services and endpoints


def format_endpoint_slices(slices: list[Obj], port_name: str | None) -> str:
    """formatEndpointSlices: ready endpoints as ip:port for the named Service port, three at most."""
    if not slices:
        return "<none>"
    found: list[str] = []
    count = 0
    more = False
    for eps in slices:
        ports = eps.get("ports") or []
        endpoints = eps.get("endpoints") or []
        targets: list[Any] = [None] if not ports else [
            p for p in ports if port_name is None or (p.get("name") or "") == port_name]
        for port in targets:
            for ep in endpoints:
                if len(found) == 3:
                    more = True
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    address = (ep.get("addresses") or [""])[0]
                    found.append(address if port is None else
                                 (f"[{address}]:{port.get('port')}" if ":" in address else f"{address}:{port.get('port')}"))
                count += 1
    text = ",".join(found)
    return f"{text} + {count - 3} more..." if more else text


def describe_service(svc: Obj, reader: Reader, now: float) -> str:
    """describeService."""
    meta, spec, status = _meta(svc), svc.get("spec") or {}, svc.get("status") or {}
    slices = reader.list("EndpointSlice", meta.get("namespace"), {"kubernetes.io/service-name": meta.get("name", "")})
    w = _Writer()
    _identity(w, meta)
    w(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        shown = [i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else "") if i.get("ip") else i.get("hostname", "")
                 for i in ingress]
        w(0, f"LoadBalancer Ingress:\t{', '.join(shown)}\n")
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "TCP")
        w(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        w(0, f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n")
        if port.get("nodePort"):
            w(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w(0, f"Endpoints:\t{format_endpoint_slices(slices, port.get('name') or '')}\n")
    w(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    describe_events(w, events_for(svc, reader), now)
    return w.result()


def _identity(w: _Writer, meta: dict[str, Any]) -> None:
    """The Name, Namespace, Labels and Annotations lines most describers open with."""
    w(0, f"Name:\t{meta.get('name')}\n")
    w(0, f"Namespace:\t{meta.get('namespace')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))


def describe_endpoints(ep: Obj, reader: Reader, now: float) -> str:
    """describeEndpoints."""
    meta = _meta(ep)
    w = _Writer()
    _identity(w, meta)
    w(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w(1, f"Addresses:\t{ready or '<none>'}\n")
        w(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w(1, "Ports:\n")
            w(2, "Name\tPort\tProtocol\n")
            w(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w(2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol', 'TCP')}\n")
        w(0, "\n")
    describe_events(w, events_for(ep, reader), now)
    return w.result()


def describe_endpointslice(eps: Obj, reader: Reader, now: float) -> str:
    """describeEndpointSliceV1."""
    meta = _meta(eps)
    w = _Writer()
    _identity(w, meta)
    w(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    if not eps.get("ports"):
        w(0, "Ports: <unset>\n")
    else:
        w(0, "Ports:\n")
        w(1, "Name\tPort\tProtocol\n")
        w(1, "----\t----\t--------\n")
        for port in eps["ports"]:
            number = port.get("port")
            w(1, f"{port.get('name') or '<unset>'}\t{'<unset>' if number is None else number}\t"
                 f"{port.get('protocol', 'TCP')}\n")
    if not eps.get("endpoints"):
        w(0, "Endpoints: <none>\n")
    else:
        w(0, "Endpoints:\n")
        for ep in eps["endpoints"]:
            w(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
            if ep.get("targetRef"):
                w(2, f"TargetRef:\t{ep['targetRef'].get('kind')}/{ep['targetRef'].get('name')}\n")
            w(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
            w(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
    describe_events(w, events_for(eps, reader), now)
    return w.result()


# ---------------------------------------------------------------- nodes, namespaces, config


_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": 10**-9, "u": 10**-6, "m": 10**-3, "": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
            "P": 10**15, "E": 10**18}


def _quantity(text: Any) -> tuple[float, str]:
    """A resource.Quantity as (value, format) with format 'binary' or 'decimal'."""
    match = re.fullmatch(r"([+-]?[0-9.]+)([a-zA-Z]*)", str(text).strip())
    if not match:
        return 0.0, "decimal"
    number, suffix = float(match.group(1)), match.group(2)
    if suffix in _BINARY:
        return number * _BINARY[suffix], "binary"
    return number * _DECIMAL.get(suffix, 1), "decimal"


def _format_quantity(value: float, fmt: str) -> str:
    # canonical Quantity.String(): the largest suffix that keeps an integer, milli-units below one
    if value == 0:
        return "0"
    if fmt == "binary" and value == int(value):
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            if int(value) % _BINARY[suffix] == 0:
                return f"{int(value) // _BINARY[suffix]}{suffix}"
        return str(int(value))
    milli = round(value * 1000)
    if milli % 1000:
        return f"{milli}m"
    whole = milli // 1000
    for suffix in ("E", "P", "T", "G", "M", "k"):
        if whole % _DECIMAL[suffix] == 0:
            return f"{whole // _DECIMAL[suffix]}{suffix}"
    return str(whole)


def _pod_requests_limits(pod: Obj) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    # mirrors PodRequestsAndLimits: sum of containers, at least the largest init container
    spec = pod.get("spec") or {}
    formats: dict[str, str] = {}
    totals: list[dict[str, float]] = [{}, {}]
    for index, key in enumerate(("requests", "limits")):
        for c in spec.get("containers") or []:
            for name, raw in ((c.get("resources") or {}).get(key) or {}).items():
                value, fmt = _quantity(raw)
                totals[index][name] = totals[index].get(name, 0) + value
                formats.setdefault(name, fmt)
        for c in spec.get("initContainers") or []:
            for name, raw in ((c.get("resources") or {}).get(key) or {}).items():
                value, fmt = _quantity(raw)
                totals[index][name] = max(totals[index].get(name, 0), value)
                formats.setdefault(name, fmt)
    return totals[0], totals[1], formats


def describe_node(node: Obj, reader: Reader, now: float) -> str:
    """describeNode."""
    meta, spec, status = _meta(node), node.get("spec") or {}, node.get("status") or {}
    w = _Writer()
    w(0, f"Name:\t{meta.get('name')}\n")
    w(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    taints = spec.get("taints") or []
    w(0, "Taints:\t")
    if not taints:
        w(0, "<none>\n")
    for i, taint in enumerate(sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")):
        if i:
            w(0, "\t")
        value = f"={taint['value']}" if taint.get("value") else ""
        w(0, f"{taint.get('key')}{value}:{taint.get('effect')}\n")
    w(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    lease = reader.get("Lease", "kube-node-lease", meta.get("name", ""))
    renew = next((c.get("lastHeartbeatTime") for c in status.get("conditions") or [] if c.get("type") == "Ready"),
                 None)
    lease_spec = (lease or {}).get("spec") or {"holderIdentity": meta.get("name"), "renewTime": renew}
    w(0, "Lease:\n")
    w(1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
    acquire = lease_spec.get("acquireTime")
    w(1, f"AcquireTime:\t{_time(acquire) if acquire else '<unset>'}\n")
    renew = lease_spec.get("renewTime")
    w(1, f"RenewTime:\t{_time(renew) if renew else '<unset>'}\n")
    if status.get("conditions"):
        w(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w(1, f"{c.get('type')} \t{c.get('status')} \t{_time(c.get('lastHeartbeatTime'))} \t"
                 f"{_time(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w(1, f"{address.get('type')}:\t{address.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w(0, f"{title}:\n")
            for name in sorted(status[key]):
                w(0, f"  {name}:\t{status[key][name]}\n")
    info = status.get("nodeInfo") or {}
    w(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        w(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [p for p in reader.list("Pod", None) if (p.get("spec") or {}).get("nodeName") == meta.get("name")
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    _node_resources(w, node, pods, now)
    events = events_for(node, reader) + events_for(node, reader, uid=meta.get("name", ""))
    unique = list({id(e): e for e in events}.values())
    describe_events(w, unique, now)
    return w.result()


def _node_resources(w: _Writer, node: Obj, pods: list[Obj], now: float) -> None:
    # mirrors describeNodeResource
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc = {name: _quantity(value)[0] for name, value in allocatable.items()}

    def cell(value: float, name: str, fmt: str) -> str:
        base = alloc.get(name, 0)
        percent = int(value / base * 100) if base else 0
        return f"{_format_quantity(value, fmt)} ({percent}%)"

    w(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    totals: list[dict[str, float]] = [{}, {}]
    formats: dict[str, str] = {}
    for pod in pods:
        req, lim, fmts = _pod_requests_limits(pod)
        for name in set(req) | set(lim):
            formats.setdefault(name, fmts[name])
        for index, values in enumerate((req, lim)):
            for name, value in values.items():
                totals[index][name] = totals[index].get(name, 0) + value
        w(1, f"{_meta(pod).get('namespace')}\t{_meta(pod).get('name')}\t\t"
             f"{cell(req.get('cpu', 0), 'cpu', fmts.get('cpu', 'decimal'))}\t"
             f"{cell(lim.get('cpu', 0), 'cpu', fmts.get('cpu', 'decimal'))}\t"
             f"{cell(req.get('memory', 0), 'memory', fmts.get('memory', 'binary'))}\t"
             f"{cell(lim.get('memory', 0), 'memory', fmts.get('memory', 'binary'))}\t"
             f"{age(now, _meta(pod).get('creationTimestamp'))}\n")
    w(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w(1, "Resource\tRequests\tLimits\n")
    w(1, "--------\t--------\t------\n")
    for name in ("cpu", "memory", "ephemeral-storage"):
        fmt = formats.get(name, "decimal" if name == "cpu" else "binary")
        w(1, f"{name}\t{cell(totals[0].get(name, 0), name, fmt)}\t{cell(totals[1].get(name, 0), name, fmt)}\n")
    for name in sorted(n for n in allocatable if n.startswith("hugepages-")):
        w(1, f"{name}\t{cell(totals[0].get(name, 0), name, 'binary')}\t"
             f"{cell(totals[1].get(name, 0), name, 'binary')}\n")


def describe_namespace(ns: Obj, reader: Reader, now: float) -> str:
    """describeNamespace (no quotas or limit ranges exist in Podium)."""
    meta = _meta(ns)
    w = _Writer()
    w(0, f"Name:\t{meta.get('name')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w(0, f"Status:\t{(ns.get('status') or {}).get('phase', '')}\n")
    w(0, "\n")
    w(0, "No resource quota.\n")
    w(0, "\n")
    w(0, "No LimitRange resource.\n")
    return w.result()


def describe_configmap(cm: Obj, reader: Reader, now: float) -> str:
    """ConfigMapDescriber (keys sorted; Go's map order is random)."""
    meta = _meta(cm)
    w = _Writer()
    _identity(w, meta)
    w(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w(0, f"{key}:\n----\n")
        w(0, f"{data[key]}\n")
        w(0, "\n")
    w(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w(0, f"{key}: {len(_b64decode(binary[key]))} bytes\n")
    w(0, "\n")
    describe_events(w, events_for(cm, reader), now)
    return w.result()


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text)
    except ValueError:
        return text.encode()


def describe_secret(secret: Obj, reader: Reader, now: float) -> str:
    """describeSecret (sizes only, never values; keys sorted)."""
    meta = _meta(secret)
    w = _Writer()
    _identity(w, meta)
    w(0, f"\nType:\t{secret.get('type', '')}\n")
    w(0, "\nData\n====\n")
    data = secret.get("data") or {}
    for key in sorted(data):
        raw = _b64decode(data[key])
        if key == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w(0, f"{key}:\t{raw.decode(errors='replace')}\n")
        else:
            w(0, f"{key}:\t{len(raw)} bytes\n")
    return w.result()


DESCRIBERS: dict[str, Callable[[Obj, Reader, float], str]] = {
    "Pod": describe_pod, "Deployment": describe_deployment, "ReplicaSet": describe_replicaset,
    "Service": describe_service, "Endpoints": describe_endpoints, "EndpointSlice": describe_endpointslice,
    "Node": describe_node, "Namespace": describe_namespace, "ConfigMap": describe_configmap,
    "Secret": describe_secret,
}


def describe(kind: str, obj: Obj, reader: Reader, now: float) -> str:
    """What `kubectl describe <kind> <name>` prints for obj."""
    return DESCRIBERS[kind](obj, reader, now)
