"""Write cluster/sim/apiserver/schema.json: the Go field types of the simulated kinds, from Kubernetes 1.32's OpenAPI.

Development tool only. Needs `pip install kubernetes-validate` (it ships the v1.32.0 schemas offline);
the engine reads the generated file with the standard library.

Each type spec is a short string:
  int32 int64 float64 bool string bytes        Go scalars ([]byte is base64 on the wire)
  intstr quantity time microtime any           types with their own UnmarshalJSON / free-form JSON
  #core.v1.Container                           a struct (key into "types")
  []<spec>   map[string]<spec>                 slices and maps
  <go name>=<spec>                             a named type, e.g. v1.Protocol=string
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "v1.32.0"
OUT = Path(__file__).resolve().parents[1] / "cluster" / "sim" / "apiserver" / "schema.json"

ROOTS = {
    "Pod": "io.k8s.api.core.v1.Pod",
    "Service": "io.k8s.api.core.v1.Service",
    "Namespace": "io.k8s.api.core.v1.Namespace",
    "ConfigMap": "io.k8s.api.core.v1.ConfigMap",
    "Secret": "io.k8s.api.core.v1.Secret",
    "Endpoints": "io.k8s.api.core.v1.Endpoints",
    "Node": "io.k8s.api.core.v1.Node",
    "Event": "io.k8s.api.core.v1.Event",
    "Deployment": "io.k8s.api.apps.v1.Deployment",
    "ReplicaSet": "io.k8s.api.apps.v1.ReplicaSet",
    "EndpointSlice": "io.k8s.api.discovery.v1.EndpointSlice",
}

SPECIAL = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intstr",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "microtime",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
}

# Named Go types the OpenAPI schema does not record (k8s.io/api 1.32 types.go) [K]. json errors print them,
# e.g. `... of type v1.Protocol`. Keyed by short definition name and JSON field.
NAMED: dict[tuple[str, str], str] = {}


def _named(definition: str, go_type: str, *fields: str) -> None:
    for f in fields:
        NAMED[(definition, f)] = go_type


for _container in ("core.v1.Container", "core.v1.EphemeralContainer"):
    _named(_container, "v1.PullPolicy", "imagePullPolicy")
    _named(_container, "v1.ContainerRestartPolicy", "restartPolicy")
    _named(_container, "v1.TerminationMessagePolicy", "terminationMessagePolicy")
for _proto in ("core.v1.ContainerPort", "core.v1.ServicePort", "core.v1.EndpointPort", "core.v1.PortStatus",
               "discovery.v1.EndpointPort"):
    _named(_proto, "v1.Protocol", "protocol")
for _cond in ("core.v1.PodCondition", "core.v1.NodeCondition", "core.v1.NamespaceCondition",
              "apps.v1.DeploymentCondition", "apps.v1.ReplicaSetCondition"):
    _named(_cond, "v1.ConditionStatus", "status")
_named("meta.v1.Condition", "v1.ConditionStatus", "status")
_named("apps.v1.DeploymentCondition", "v1.DeploymentConditionType", "type")
_named("apps.v1.ReplicaSetCondition", "v1.ReplicaSetConditionType", "type")
_named("apps.v1.DeploymentStrategy", "v1.DeploymentStrategyType", "type")
_named("core.v1.PodCondition", "v1.PodConditionType", "type")
_named("core.v1.PodReadinessGate", "v1.PodConditionType", "conditionType")
_named("core.v1.NodeCondition", "v1.NodeConditionType", "type")
_named("core.v1.NamespaceCondition", "v1.NamespaceConditionType", "type")
_named("core.v1.NamespaceStatus", "v1.NamespacePhase", "phase")
_named("core.v1.NodeStatus", "v1.NodePhase", "phase")
_named("core.v1.NodeAddress", "v1.NodeAddressType", "type")
_named("core.v1.NodeSelectorRequirement", "v1.NodeSelectorOperator", "operator")
_named("core.v1.PodSpec", "v1.DNSPolicy", "dnsPolicy")
_named("core.v1.PodSpec", "v1.RestartPolicy", "restartPolicy")
_named("core.v1.PodSpec", "v1.PreemptionPolicy", "preemptionPolicy")
_named("core.v1.PodStatus", "v1.PodPhase", "phase")
_named("core.v1.PodStatus", "v1.PodQOSClass", "qosClass")
_named("core.v1.PodStatus", "v1.PodResizeStatus", "resize")
_named("core.v1.PodOS", "v1.OSName", "name")
_named("core.v1.HTTPGetAction", "v1.URIScheme", "scheme")
_named("core.v1.EmptyDirVolumeSource", "v1.StorageMedium", "medium")
_named("core.v1.HostPathVolumeSource", "v1.HostPathType", "type")
_named("core.v1.ImageVolumeSource", "v1.PullPolicy", "pullPolicy")
_named("core.v1.Secret", "v1.SecretType", "type")
_named("core.v1.SeccompProfile", "v1.SeccompProfileType", "type")
_named("core.v1.AppArmorProfile", "v1.AppArmorProfileType", "type")
_named("core.v1.SecurityContext", "v1.ProcMountType", "procMount")
_named("core.v1.PodSecurityContext", "v1.PodFSGroupChangePolicy", "fsGroupChangePolicy")
_named("core.v1.PodSecurityContext", "v1.PodSELinuxChangePolicy", "seLinuxChangePolicy")
_named("core.v1.PodSecurityContext", "v1.SupplementalGroupsPolicy", "supplementalGroupsPolicy")
_named("core.v1.ServiceSpec", "v1.ServiceType", "type")
_named("core.v1.ServiceSpec", "v1.ServiceAffinity", "sessionAffinity")
_named("core.v1.ServiceSpec", "v1.ServiceExternalTrafficPolicy", "externalTrafficPolicy")
_named("core.v1.ServiceSpec", "v1.ServiceInternalTrafficPolicy", "internalTrafficPolicy")
_named("core.v1.ServiceSpec", "v1.IPFamilyPolicy", "ipFamilyPolicy")
_named("core.v1.LoadBalancerIngress", "v1.LoadBalancerIPMode", "ipMode")
_named("core.v1.Taint", "v1.TaintEffect", "effect")
_named("core.v1.Toleration", "v1.TaintEffect", "effect")
_named("core.v1.Toleration", "v1.TolerationOperator", "operator")
_named("core.v1.TopologySpreadConstraint", "v1.NodeInclusionPolicy", "nodeAffinityPolicy", "nodeTaintsPolicy")
_named("core.v1.TopologySpreadConstraint", "v1.UnsatisfiableConstraintAction", "whenUnsatisfiable")
_named("core.v1.VolumeMount", "v1.MountPropagationMode", "mountPropagation")
_named("core.v1.VolumeMount", "v1.RecursiveReadOnlyMode", "recursiveReadOnly")
_named("core.v1.VolumeMountStatus", "v1.RecursiveReadOnlyMode", "recursiveReadOnly")
_named("core.v1.ContainerResizePolicy", "v1.ResourceName", "resourceName")
_named("core.v1.ContainerResizePolicy", "v1.ResourceResizeRestartPolicy", "restartPolicy")
_named("core.v1.ResourceStatus", "v1.ResourceName", "name")
_named("core.v1.PersistentVolumeClaimSpec", "v1.PersistentVolumeMode", "volumeMode")
_named("discovery.v1.EndpointSlice", "v1.AddressType", "addressType")
_named("meta.v1.LabelSelectorRequirement", "v1.LabelSelectorOperator", "operator")
_named("meta.v1.ManagedFieldsEntry", "v1.ManagedFieldsOperationType", "operation")
for _uid in ("meta.v1.ObjectMeta", "meta.v1.OwnerReference", "core.v1.ObjectReference"):
    _named(_uid, "types.UID", "uid")
# element types of slices
NAMED_ELEMENTS = {
    ("core.v1.Capabilities", "add"): "v1.Capability",
    ("core.v1.Capabilities", "drop"): "v1.Capability",
    ("core.v1.NamespaceSpec", "finalizers"): "v1.FinalizerName",
    ("core.v1.NodeStatus", "volumesInUse"): "v1.UniqueVolumeName",
    ("core.v1.ServiceSpec", "ipFamilies"): "v1.IPFamily",
    ("core.v1.PersistentVolumeClaimSpec", "accessModes"): "v1.PersistentVolumeAccessMode",
}
RESOURCE_LIST = "v1.ResourceList=map[string]quantity"


def short(definition: str) -> str:
    """`io.k8s.api.core.v1.Pod` -> `core.v1.Pod`; `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` -> `meta.v1.ObjectMeta`."""
    for prefix in ("io.k8s.api.", "io.k8s.apimachinery.pkg.apis.", "io.k8s.apimachinery.pkg."):
        if definition.startswith(prefix):
            return definition[len(prefix):]
    return definition


def _types(prop: dict[str, Any]) -> set[str]:
    t = prop.get("type", [])
    return {t} if isinstance(t, str) else set(t)


def spec_of(prop: dict[str, Any], pending: list[str]) -> str:
    """The compact type spec of one JSON-schema property."""
    ref = prop.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in SPECIAL:
            return SPECIAL[name]
        pending.append(name)
        return "#" + short(name)
    types = _types(prop)
    if "array" in types:
        return "[]" + spec_of(prop.get("items", {}), pending)
    if "object" in types:
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict):
            inner = spec_of(extra, pending)
            return RESOURCE_LIST if inner == "quantity" else "map[string]" + inner
        return "any"
    if "integer" in types:
        return "int64" if prop.get("format") == "int64" else "int32"
    if "number" in types:
        return "float64"
    if "boolean" in types:
        return "bool"
    if "string" in types:
        return "bytes" if prop.get("format") == "byte" else "string"
    return "any"


def build(definitions: dict[str, Any]) -> dict[str, Any]:
    types: dict[str, dict[str, str]] = {}
    pending = list(ROOTS.values())
    while pending:
        name = pending.pop()
        key = short(name)
        if key in types or name in SPECIAL:
            continue
        fields: dict[str, str] = {}
        for field, prop in sorted(definitions[name].get("properties", {}).items()):
            spec = spec_of(prop, pending)
            if (key, field) in NAMED:
                spec = NAMED[(key, field)] + "=" + spec
            elif (key, field) in NAMED_ELEMENTS and spec.startswith("[]"):
                spec = "[]" + NAMED_ELEMENTS[(key, field)] + "=" + spec[2:]
            fields[field] = spec
        types[key] = fields
    return {
        "source": f"kubernetes-validate {SCHEMA_VERSION}-local (generated by tools/gen_schema.py)",
        "kinds": {kind: short(name) for kind, name in ROOTS.items()},
        "types": dict(sorted(types.items())),
    }


def main() -> int:
    import kubernetes_validate  # type: ignore[import-untyped]

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"{SCHEMA_VERSION}-local"
    definitions = json.loads((base / "_definitions.json").read_text())["$defs"]
    data = build(definitions)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(data['types'])} types)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
