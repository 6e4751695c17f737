"""The simulated Kubernetes v1.32 cluster: a pure, deterministic engine.

Standard library and PyYAML only; no Django, asyncio, wall clock or global randomness (tests/sim/test_purity.py
enforces it, and that no module imports another back in a cycle). Time, the seed and cluster settings are
passed in; the same seed and inputs give the same names, IPs and routing. Objects are Kubernetes-shaped dicts.

Reading order, each package's docstring says more:
1. `apimachinery/` — the shared vocabulary: kinds, label selectors, Status and field errors, name rules, time.
2. `apiserver/` — what kube-apiserver does: the store and its change feed, the write path (`server`), decoding,
   defaulting, validation, patches, address allocation, field selectors and server-side Tables.
3. `controllers/` — what kube-controller-manager, kube-scheduler and the kubelets do, one module each; the
   kubelet's pod lifecycle is a table of stages a lesson can override (`controllers/kubelet/stages.py`).
4. `network/` — the pod network and kube-proxy: where a request goes, and why.
5. `images/` — how a reference names an image, and what the images a pod runs do (the catalog; its entries
   are data in `catalog.yaml`).
6. `settings.py`, `clock.py`, `bootstrap.py`, `cluster.py` — a whole cluster: what a lesson chooses, time and
   timers, what kubeadm leaves behind, and the `Cluster` that ties the parts together and snapshots them.
7. `manifests/` and `kubectl/` — the client side: files read as kubectl reads them, and kubectl's commands.
"""
