"""The apiserver's health endpoints, /healthz, /livez and /readyz, as k8s.io/apiserver/pkg/server/healthz prints them.

A simulated control plane is always healthy: every check passes. The check names are those a kubeadm-built
v1.32 kube-apiserver registers, in its order [K: the post-start hook list is from a v1.32 cluster's output].
"""

from __future__ import annotations

POST_START_HOOKS = (
    "start-apiserver-admission-initializer", "generic-apiserver-start-informers",
    "priority-and-fairness-config-consumer", "priority-and-fairness-filter", "storage-object-count-tracker-hook",
    "start-apiextensions-informers", "start-apiextensions-controllers", "crd-informer-synced",
    "start-system-namespaces-controller", "start-cluster-authentication-info-controller",
    "start-kube-apiserver-identity-lease-controller", "start-kube-apiserver-identity-lease-garbage-collector",
    "start-legacy-token-tracking-controller", "start-service-ip-repair-controllers", "rbac/bootstrap-roles",
    "scheduling/bootstrap-system-priority-classes", "priority-and-fairness-config-producer",
    "bootstrap-controller", "aggregator-reload-proxy-client-cert", "start-kube-aggregator-informers",
    "apiservice-status-local-available-controller", "apiservice-status-remote-available-controller",
    "apiservice-registration-controller", "apiservice-discovery-controller", "kube-apiserver-autoregistration",
)

_HOOKS = tuple(f"poststarthook/{h}" for h in POST_START_HOOKS)
_TAIL = ("autoregister-completion", "poststarthook/apiservice-openapi-controller",
         "poststarthook/apiservice-openapiv3-controller")

CHECKS: dict[str, tuple[str, ...]] = {
    "healthz": ("ping", "log", "etcd", *_HOOKS, *_TAIL),
    "livez": ("ping", "log", "etcd", *_HOOKS, *_TAIL),
    # /readyz adds etcd-readiness, informer-sync and shutdown (installReadyz in genericapiserver)
    "readyz": ("ping", "log", "etcd", "etcd-readiness", "informer-sync", *_HOOKS, *_TAIL, "shutdown"),
}


class UnknownCheck(Exception):
    """A /readyz/<name> the server does not register: answered 404 like any path it does not serve."""


def answer(endpoint: str, check: str, verbose: bool, excluded: list[str]) -> str:
    """The text body: `ok`, or with ?verbose one `[+]name ok` line per check and `<endpoint> check passed`."""
    names = CHECKS[endpoint]
    if check:
        if check not in names:
            raise UnknownCheck(check)
        return "ok"
    if not verbose:
        return "ok"
    lines = [f"[+]{name} ok" if name not in excluded else f"[+]{name} excluded: ok" for name in names]
    # unknown names in ?exclude are reported, as healthz's handleRootHealth does
    unmatched = sorted({name for name in excluded if name not in names})
    if unmatched:
        quoted = ",".join(f'"{name}"' for name in unmatched)
        lines.append(f"warn: some health checks cannot be excluded: no matches for {quoted}")
    return "\n".join(lines) + f"\n{endpoint} check passed\n"
