"""The simulated Kubernetes v1.32 cluster: a pure, deterministic engine.

Standard library and PyYAML only; no Django, asyncio, wall clock or global randomness. Time, the seed and
cluster settings are passed in; the same seed and inputs give the same names, IPs and routing. Objects are
Kubernetes-shaped dicts. tests/sim/test_purity.py enforces all of that, that no module imports another back
in a cycle, and that each package imports only the layers below it, in this reading order:

1. `apimachinery/` — the shared vocabulary: kinds, label selectors, Status and field errors, name rules, time.
2. `settings.py`, `clock.py` — what a lesson chooses about a cluster; time and the heap of timers.
3. `images/` — how a reference names an image, and what the images a pod runs do (the catalog; its entries
   are data in `catalog.yaml`).
4. `apiserver/` — what kube-apiserver does: the store and its change feed, the write path (`server`), decoding,
   defaulting, validation, patches, address allocation, field selectors, pod predicates, server-side Tables.
5. `controllers/` — what kube-controller-manager, kube-scheduler and the kubelets do, one module each; the
   kubelet's pod lifecycle is a table of stages a lesson can override (`controllers/kubelet/stages.py`).
6. `network/` — the pod network and kube-proxy: where a request goes, and why.
7. `bootstrap.py`, `cluster.py` — what kubeadm leaves behind, and the `Cluster` that ties the parts together,
   advances time and snapshots itself.
8. `manifests/` and `kubectl/` — the client side: files read as kubectl reads them, and kubectl's commands
   (with the terminal's pipes and completion).
9. `teaching/` — what Podium adds for a learner: requests sent on their behalf, and the Why? of a Service.
"""
