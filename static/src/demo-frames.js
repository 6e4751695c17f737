// A fake sandbox for demo.html: a WebSocket look-alike that plays a small, deterministic cluster
// (3 nodes, 3 nginx pods, 2 httpd pods, Service httpd-svc 10.68.236.129:8080→80), answers the
// workspace's frames the way docs/websocket-protocol.md describes, and runs a short script: an httpd
// pod dies and is replaced, then a batch of requests goes through the Service.
// `demo.html?fast` runs the script ten times faster (for end-to-end tests).
(function () {
  "use strict";
  const FAST = /[?&]fast\b/.test(location.search);
  const TICK_MS = 100;
  const START = Date.parse("2026-11-24T10:00:00Z") / 1000;
  const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  function makeRandom(seed) {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
  }

  function iso(t) {
    return new Date(t * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  }

  class Cluster {
    constructor(socket) {
      this.socket = socket;
      this.random = makeRandom(20261124);
      this.time = START;
      this.speed = 1;
      this.seq = 0;
      this.uid = 0;
      this.objects = new Map();
      this.events = [];
      this.heap = [];
      this.nextIP = { "podium-worker": 2, "podium-worker2": 2 };
      this.requestId = 0;
      this.reachedFromNode = false;
      this.build();
    }

    // --- the starting cluster -------------------------------------------------------------------------
    build() {
      const nodes = [
        ["podium-control-plane", "172.18.0.2", "10.244.0.0/24", true],
        ["podium-worker", "172.18.0.3", "10.244.1.0/24", false],
        ["podium-worker2", "172.18.0.4", "10.244.2.0/24", false],
      ];
      for (const [name, ip, cidr, control] of nodes) {
        const labels = { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux" };
        if (control) labels["node-role.kubernetes.io/control-plane"] = "";
        this.put({
          apiVersion: "v1", kind: "Node", metadata: this.meta(name, null, labels, START - 86400),
          spec: { podCIDR: cidr, podCIDRs: [cidr], taints: control ? [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] : undefined },
          status: { addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }], conditions: [{ type: "Ready", status: "True" }] },
        });
      }
      this.put({
        apiVersion: "v1", kind: "Service", metadata: this.meta("kubernetes", "default", { component: "apiserver", provider: "kubernetes" }, START - 86400),
        spec: { clusterIP: "10.68.0.1", clusterIPs: ["10.68.0.1"], type: "ClusterIP", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }], sessionAffinity: "None" },
      });
      this.put({
        apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: this.meta("kubernetes", "default", { "kubernetes.io/service-name": "kubernetes" }, START - 86400),
        addressType: "IPv4", endpoints: [{ addresses: ["172.18.0.2"], conditions: { ready: true, serving: true, terminating: false } }],
        ports: [{ name: "https", port: 6443, protocol: "TCP" }],
      });
      this.deployment("nginx", "66b6c48dd5", { app: "nginx" }, "nginx:1.27", 3, START - 600);
      this.deployment("httpd", "7c79c4bf97", { run: "httpd" }, "httpd", 2, START - 300);
      this.put({
        apiVersion: "v1", kind: "Service", metadata: this.meta("httpd-svc", "default", {}, START - 240),
        spec: { selector: { run: "httpd" }, clusterIP: "10.68.236.129", clusterIPs: ["10.68.236.129"], type: "ClusterIP", ports: [{ protocol: "TCP", port: 8080, targetPort: 80 }], sessionAffinity: "None" },
      });
      this.put({
        apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: this.meta("httpd-svc-8xkzt", "default", { "kubernetes.io/service-name": "httpd-svc" }, START - 240),
        addressType: "IPv4", endpoints: [], ports: [{ name: "", port: 80, protocol: "TCP" }],
      });
      // A learner's typo: this pod never starts.
      const broken = this.pod("web", null, { run: "web" }, "ngnix:1.27", "podium-worker2", START - 120);
      this.runningish(broken, { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "ngnix:1.27"' } });
      this.put(broken);
      this.event(broken, "Warning", "Failed", 'Failed to pull image "ngnix:1.27": pull access denied, repository does not exist or may require authorization', "kubelet", START - 100);
      this.syncSlice();
      this.syncOwners();
    }

    meta(name, namespace, labels, created) {
      this.uid += 1;
      const m = { name, uid: `0d5c${String(this.uid).padStart(4, "0")}-6f1e-4c2a-9b7d-3a5e8c1f${String(this.uid).padStart(4, "0")}`, creationTimestamp: iso(created), labels };
      if (namespace) m.namespace = namespace;
      return m;
    }

    deployment(name, hash, labels, image, replicas, created) {
      const rsName = `${name}-${hash}`;
      this.put({
        apiVersion: "apps/v1", kind: "Deployment", metadata: this.meta(name, "default", { ...labels }, created),
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image, ports: [{ containerPort: 80, protocol: "TCP" }] }] } } },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
      });
      const rs = {
        apiVersion: "apps/v1", kind: "ReplicaSet",
        metadata: { ...this.meta(rsName, "default", { ...labels, "pod-template-hash": hash }, created), ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, controller: true }] },
        spec: { replicas, selector: { matchLabels: { ...labels, "pod-template-hash": hash } } },
        status: { replicas, readyReplicas: replicas },
      };
      this.put(rs);
      this.event(this.get("Deployment", name), "Normal", "ScalingReplicaSet", `Scaled up replica set ${rsName} to ${replicas}`, "deployment-controller", created);
      for (let i = 0; i < replicas; i++) {
        const node = i % 2 === 0 ? "podium-worker" : "podium-worker2";
        const pod = this.pod(this.podName(rsName), rs, { ...labels, "pod-template-hash": hash }, image, node, created + 1);
        this.runningish(pod, null);
        this.put(pod);
        this.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller", created + 1);
        this.event(pod, "Normal", "Scheduled", `Successfully assigned default/${pod.metadata.name} to ${node}`, "default-scheduler", created + 1);
        this.event(pod, "Normal", "Started", `Started container ${name}`, "kubelet", created + 4);
      }
    }

    podName(rsName) {
      let suffix = "";
      for (let i = 0; i < 5; i++) suffix += ALPHANUMS[Math.floor(this.random() * ALPHANUMS.length)];
      return `${rsName}-${suffix}`;
    }

    pod(name, rs, labels, image, node, created) {
      const container = image.split(":")[0].replace("ngnix", "web");
      return {
        apiVersion: "v1", kind: "Pod",
        metadata: { ...this.meta(name, "default", labels, created), ...(rs ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name, controller: true }] } : {}) },
        spec: { nodeName: node || undefined, containers: [{ name: container, image, ports: [{ containerPort: 80, protocol: "TCP" }] }], terminationGracePeriodSeconds: 30 },
        status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: node ? "True" : "False" }] },
      };
    }

    // Gives a pod an IP on its node and a running (or waiting) container.
    runningish(pod, waiting) {
      const node = pod.spec.nodeName;
      const octet = node === "podium-worker" ? 1 : 2;
      const ip = `10.244.${octet}.${this.nextIP[node]++}`;
      const hostIP = node === "podium-worker" ? "172.18.0.3" : "172.18.0.4";
      const name = pod.spec.containers[0].name;
      pod.status = waiting
        ? { phase: "Pending", hostIP, podIP: ip, podIPs: [{ ip }], conditions: this.conditions(false), containerStatuses: [{ name, ready: false, restartCount: 0, image: pod.spec.containers[0].image, state: waiting }] }
        : { phase: "Running", hostIP, podIP: ip, podIPs: [{ ip }], conditions: this.conditions(true), containerStatuses: [{ name, ready: true, started: true, restartCount: 0, image: pod.spec.containers[0].image, state: { running: { startedAt: iso(this.time) } } }] };
    }

    conditions(ready) {
      const s = ready ? "True" : "False";
      return [
        { type: "PodReadyToStartContainers", status: "True" }, { type: "Initialized", status: "True" },
        { type: "Ready", status: s }, { type: "ContainersReady", status: s }, { type: "PodScheduled", status: "True" },
      ];
    }

    // --- the object store -------------------------------------------------------------------------------
    key(kind, name) {
      return `${kind}/${name}`;
    }
    get(kind, name) {
      return this.objects.get(this.key(kind, name));
    }
    list(kind) {
      return [...this.objects.values()].filter((o) => o.kind === kind).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    }
    put(object) {
      this.objects.set(this.key(object.kind, object.metadata.name), object);
    }

    /** Stores a change and sends it as a `change` frame. */
    change(type, object) {
      if (type === "DELETED") this.objects.delete(this.key(object.kind, object.metadata.name));
      else this.put(object);
      this.seq += 1;
      this.socket.deliver({ type: "change", seq: this.seq, time: this.time, change: { type, object: JSON.parse(JSON.stringify(object)) } });
    }

    event(object, type, reason, message, component, at) {
      const name = `${object.metadata.name}.${(this.events.length + 1).toString(16).padStart(12, "0")}`;
      const event = {
        apiVersion: "v1", kind: "Event", type, reason, message, count: 1,
        metadata: { name, namespace: "default", uid: `ev-${this.events.length + 1}` },
        involvedObject: { kind: object.kind, name: object.metadata.name, namespace: "default" },
        source: { component }, firstTimestamp: iso(at ?? this.time), lastTimestamp: iso(at ?? this.time),
      };
      this.events.push(event);
      if (this.live) this.change("ADDED", event);
    }

    // --- time -------------------------------------------------------------------------------------------
    at(delay, fn) {
      this.heap.push({ at: this.time + delay, fn });
      this.heap.sort((a, b) => a.at - b.at);
    }
    tick() {
      this.time += (TICK_MS / 1000) * this.speed * (FAST ? 10 : 1);
      while (this.heap.length && this.heap[0].at <= this.time) this.heap.shift().fn();
      if (Math.floor(this.time) % 5 === 0 && this.lastClock !== Math.floor(this.time)) {
        this.lastClock = Math.floor(this.time);
        this.socket.deliver({ type: "clock", time: this.time, speed: this.speed });
      }
    }

    snapshot() {
      this.live = true;
      return {
        type: "snapshot", seq: this.seq, sandbox: "demo", time: this.time, speed: this.speed,
        objects: [...this.objects.values()].map((o) => JSON.parse(JSON.stringify(o))), events: this.events.slice(-50), checks: this.checks(),
      };
    }

    script() {
      this.at(2.5, () => this.killPod(this.list("Pod").find((p) => p.metadata.name.startsWith("httpd-")).metadata.name));
      this.at(8, () => this.socket.deliver(this.traffic("node/podium-worker", "http://10.68.236.129:8080/", 10)));
    }

    // --- controllers, much simplified -------------------------------------------------------------------
    killPod(name) {
      const pod = this.get("Pod", name);
      if (!pod || pod.metadata.deletionTimestamp) return false;
      pod.metadata.deletionTimestamp = iso(this.time + 30);
      pod.metadata.deletionGracePeriodSeconds = 30;
      this.change("MODIFIED", pod);
      this.event(pod, "Normal", "Killing", `Stopping container ${pod.spec.containers[0].name}`, "kubelet");
      this.syncSlice();
      this.at(2, () => {
        this.change("DELETED", pod);
        this.syncSlice();
        this.syncOwners();
        this.emitChecks();
      });
      this.syncOwners();
      return true;
    }

    // Keeps every ReplicaSet at its replica count: new pods go Pending → ContainerCreating → Running.
    syncOwners() {
      for (const rs of this.list("ReplicaSet")) {
        const pods = this.list("Pod").filter((p) => owner(p) === rs.metadata.name && !p.metadata.deletionTimestamp);
        const want = rs.spec.replicas;
        if (this.live) {
          for (let i = pods.length; i < want; i++) this.createPod(rs);
          if (pods.length > want) {
            pods.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : -1));
            for (const pod of pods.slice(0, pods.length - want)) this.killPod(pod.metadata.name);
          }
        }
        const all = this.list("Pod").filter((p) => owner(p) === rs.metadata.name);
        const ready = all.filter((p) => p.status.phase === "Running" && !p.metadata.deletionTimestamp && p.status.containerStatuses[0].ready).length;
        if (rs.status.replicas !== all.length || rs.status.readyReplicas !== ready) {
          rs.status = { replicas: all.length, readyReplicas: ready };
          if (this.live) this.change("MODIFIED", rs);
          const deployment = this.get("Deployment", rs.metadata.ownerReferences[0].name);
          deployment.status = { ...deployment.status, replicas: all.length, readyReplicas: ready, availableReplicas: ready };
          if (this.live) this.change("MODIFIED", deployment);
        }
      }
    }

    createPod(rs) {
      const deployment = this.get("Deployment", rs.metadata.ownerReferences[0].name);
      const labels = { ...deployment.spec.template.metadata.labels, "pod-template-hash": rs.metadata.labels["pod-template-hash"] };
      const pod = this.pod(this.podName(rs.metadata.name), rs, labels, deployment.spec.template.spec.containers[0].image, null, this.time);
      this.change("ADDED", pod);
      this.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller");
      this.at(0.8, () => {
        const workers = ["podium-worker", "podium-worker2"];
        const counts = workers.map((n) => this.list("Pod").filter((p) => p.spec.nodeName === n && owner(p) === rs.metadata.name).length);
        const node = counts[0] <= counts[1] ? workers[0] : workers[1];
        pod.spec.nodeName = node;
        pod.status = {
          phase: "Pending", hostIP: node === "podium-worker" ? "172.18.0.3" : "172.18.0.4", conditions: this.conditions(false),
          containerStatuses: [{ name: pod.spec.containers[0].name, ready: false, restartCount: 0, image: pod.spec.containers[0].image, state: { waiting: { reason: "ContainerCreating" } } }],
        };
        this.change("MODIFIED", pod);
        this.event(pod, "Normal", "Scheduled", `Successfully assigned default/${pod.metadata.name} to ${node}`, "default-scheduler");
        this.event(pod, "Normal", "Pulling", `Pulling image "${pod.spec.containers[0].image}"`, "kubelet");
      });
      this.at(3, () => {
        if (!this.get("Pod", pod.metadata.name)) return;
        this.runningish(pod, null);
        this.change("MODIFIED", pod);
        this.event(pod, "Normal", "Pulled", `Successfully pulled image "${pod.spec.containers[0].image}" in 1.84s (1.84s including waiting). Image size: 58000129 bytes.`, "kubelet");
        this.event(pod, "Normal", "Created", `Created container ${pod.spec.containers[0].name}`, "kubelet");
        this.event(pod, "Normal", "Started", `Started container ${pod.spec.containers[0].name}`, "kubelet");
        this.syncSlice();
        this.syncOwners();
        this.emitChecks();
      });
    }

    syncSlice() {
      const slice = this.get("EndpointSlice", "httpd-svc-8xkzt");
      const svc = this.get("Service", "httpd-svc");
      const endpoints = this.list("Pod")
        .filter((p) => matches(svc.spec.selector, p.metadata.labels) && p.status.podIP && p.status.phase === "Running")
        .map((p) => {
          const podReady = p.status.containerStatuses[0].ready;
          const terminating = Boolean(p.metadata.deletionTimestamp);
          return {
            addresses: [p.status.podIP], nodeName: p.spec.nodeName, targetRef: { kind: "Pod", name: p.metadata.name, namespace: "default" },
            conditions: { ready: podReady && !terminating, serving: podReady, terminating },
          };
        });
      if (JSON.stringify(endpoints) === JSON.stringify(slice.endpoints)) return;
      slice.endpoints = endpoints;
      if (this.live) this.change("MODIFIED", slice);
    }

    checks() {
      const deployment = this.get("Deployment", "httpd");
      const slice = this.get("EndpointSlice", "httpd-svc-8xkzt");
      return [
        { id: "deployment-ready", title: "Deployment httpd has 2 ready pods", passed: deployment.status.readyReplicas >= 2, hint: "Apply an apps/v1 Deployment named httpd with replicas: 2." },
        { id: "service-endpoints", title: "Service httpd-svc has endpoints", passed: slice.endpoints.some((e) => e.conditions.ready), hint: "The Service's selector must match the pods' labels (run: httpd)." },
        { id: "curl-from-node", title: "A request reached httpd-svc from a node", passed: this.reachedFromNode, hint: "In the Traffic panel, send a request from a node to http://10.68.236.129:8080/." },
      ];
    }

    emitChecks() {
      const next = JSON.stringify(this.checks());
      if (next === this.lastChecks) return;
      this.lastChecks = next;
      this.socket.deliver({ type: "checks", checks: JSON.parse(next) });
    }

    // --- requests ---------------------------------------------------------------------------------------
    traffic(from, url, count) {
      const requests = [];
      for (let i = 0; i < count; i++) requests.push(this.route(from, url));
      this.emitChecks();
      return { type: "traffic", seq: this.seq, time: this.time, requests };
    }

    route(from, url) {
      const [kind, name] = from === "outside" ? ["outside", ""] : from.split("/");
      const source = kind === "pod" ? this.get("Pod", name) : kind === "node" ? this.get("Node", name) : null;
      const client = { kind, name: name || undefined, ip: kind === "pod" ? source && source.status.podIP : kind === "node" ? source && source.status.addresses[0].address : "203.0.113.7" };
      if (kind === "pod") client.node = source && source.spec.nodeName;
      const match = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?/.exec(url) || [];
      const host = match[1] || "";
      const port = Number(match[2] || 80);
      const base = { id: ++this.requestId, client, url, rule: "", endpoint: null, status: 0, body: "", reason: "" };
      const svc = this.list("Service").find((s) => s.metadata.name === host || s.spec.clusterIP === host);
      if (svc) {
        base.target = { kind: "service", namespace: "default", name: svc.metadata.name, ip: svc.spec.clusterIP, port };
        if (kind === "outside") return { ...base, result: "timeout", reason: "cluster IPs are not reachable from outside the cluster" };
        if (!svc.spec.ports.some((p) => p.port === port)) return { ...base, result: "refused", reason: `connection refused: ${svc.spec.clusterIP} has no port ${port}` };
        const slice = this.list("EndpointSlice").find((s) => s.metadata.labels["kubernetes.io/service-name"] === svc.metadata.name);
        const ready = slice.endpoints.filter((e) => e.conditions.ready);
        if (!ready.length) return { ...base, result: "refused", reason: "no endpoints" };
        const pick = Math.floor(this.random() * ready.length);
        const ep = ready[pick];
        const target = slice.ports[0] ? slice.ports[0].port : 6443;
        if (kind === "node") this.reachedFromNode = this.reachedFromNode || svc.metadata.name === "httpd-svc";
        return {
          ...base, rule: `KUBE-SVC-${svc.metadata.name === "httpd-svc" ? "X3P2W6JNP6Y7RQYL" : "NPX46M4PTMTKRN6Y"} (iptables: random 1/${ready.length})`,
          endpoint: { ip: ep.addresses[0], port: target, pod: ep.targetRef ? ep.targetRef.name : undefined, node: ep.nodeName }, result: "answered", status: 200,
          body: svc.metadata.name === "httpd-svc" ? "<html><body><h1>It works!</h1></body></html>\n" : "",
        };
      }
      const pod = this.list("Pod").find((p) => p.status.podIP === host);
      if (pod) {
        base.target = { kind: "pod", namespace: "default", name: pod.metadata.name, ip: host, port };
        if (kind === "outside") return { ...base, result: "timeout", reason: "pod IPs are not reachable from outside the cluster" };
        if (port !== 80 || pod.status.phase !== "Running") return { ...base, result: "refused", reason: `connection refused: nothing listens on ${host}:${port}` };
        return { ...base, endpoint: { ip: host, port, pod: pod.metadata.name, node: pod.spec.nodeName }, result: "answered", status: 200, body: "<html><body><h1>It works!</h1></body></html>\n" };
      }
      base.target = { kind: "unknown", ip: host, port };
      return { ...base, result: "timeout", reason: `no route to ${host}` };
    }

    why(name) {
      const svc = this.get("Service", name);
      if (!svc) return { type: "error", message: `services "${name}" not found` };
      const selector = svc.spec.selector || {};
      const slice = this.list("EndpointSlice").find((s) => s.metadata.labels["kubernetes.io/service-name"] === name);
      const endpoints = (slice ? slice.endpoints : []).map((e) => ({
        ip: e.addresses[0], port: slice.ports[0] ? slice.ports[0].port : null, pod: e.targetRef ? e.targetRef.name : null, ...e.conditions,
      }));
      const pods = Object.keys(selector).length
        ? this.list("Pod").map((p) => {
            const ready = Boolean(p.status.containerStatuses && p.status.containerStatuses[0].ready && !p.metadata.deletionTimestamp);
            const checked = Object.keys(selector).map((k) => ({ key: k, want: selector[k], have: p.metadata.labels[k] ?? null, ok: p.metadata.labels[k] === selector[k] }));
            return {
              name: p.metadata.name, labels: p.metadata.labels, ip: p.status.podIP || "", node: p.spec.nodeName || "", match: checked.every((c) => c.ok), labels_checked: checked, ready,
              reason: ready ? "" : p.metadata.deletionTimestamp ? "terminating" : "containers with unready status: [" + p.spec.containers[0].name + "]",
            };
          })
        : [];
      const ready = endpoints.filter((e) => e.ready);
      const chain = name === "httpd-svc" ? "X3P2W6JNP6Y7RQYL" : "NPX46M4PTMTKRN6Y";
      const port = svc.spec.ports[0];
      const rules = [`-A KUBE-SERVICES -d ${svc.spec.clusterIP}/32 -p tcp -m comment --comment "default/${name}${port.name ? ":" + port.name : ""} cluster IP" -m tcp --dport ${port.port} -j KUBE-SVC-${chain}`];
      ready.forEach((e, i) => {
        const sep = `KUBE-SEP-${(chain + i).slice(-16).replace(/\d/g, (d) => ALPHANUMS[Number(d)]).toUpperCase()}`;
        const prob = i < ready.length - 1 ? ` -m statistic --mode random --probability ${(1 / (ready.length - i)).toFixed(10)}` : "";
        rules.push(`-A KUBE-SVC-${chain} -m comment --comment "default/${name}${port.name ? ":" + port.name : ""} -> ${e.ip}:${e.port}"${prob} -j ${sep}`);
      });
      if (!ready.length) rules.push(`-A KUBE-SERVICES -d ${svc.spec.clusterIP}/32 -p tcp -m comment --comment "default/${name} has no endpoints" -m tcp --dport ${port.port} -j REJECT --reject-with icmp-port-unreachable`);
      return { type: "why", service: { namespace: "default", name }, selector, pods, endpoints, rules };
    }

    kubectl(line) {
      if (/^(curl|wget)\b/.test(line)) {
        const url = line.split(/\s+/).find((w) => /^(https?:\/\/)?\d|^(https?:\/\/)?[a-z]/.test(w) && w !== "curl" && w !== "wget" && !w.startsWith("-"));
        const r = this.route("pod/" + this.list("Pod")[0].metadata.name, url || "");
        this.socket.deliver({ type: "traffic", seq: this.seq, time: this.time, requests: [r] });
        if (r.result === "answered") return { stdout: r.body, stderr: "", exit_code: 0 };
        return { stdout: "", stderr: `curl: (7) Failed to connect to ${r.target.ip} port ${r.target.port}: ${r.result === "refused" ? "Connection refused" : "Connection timed out"}\n`, exit_code: 7 };
      }
      const words = line.split(/\s+/);
      const wide = line.includes("-o wide");
      const age = (o) => human(this.time - Date.parse(o.metadata.creationTimestamp) / 1000);
      if (words[0] === "get" && /^(pods?|po)$/.test(words[1])) {
        const header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"].concat(wide ? ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] : []);
        const rows = this.list("Pod").map((p) => {
          const st = p.status.containerStatuses ? p.status.containerStatuses[0] : null;
          const status = p.metadata.deletionTimestamp ? "Terminating" : st && st.state.waiting ? st.state.waiting.reason : p.status.phase;
          const row = [p.metadata.name, `${st && st.ready ? 1 : 0}/1`, status, "0", age(p)];
          return wide ? row.concat([p.status.podIP || "<none>", p.spec.nodeName || "<none>", "<none>", "<none>"]) : row;
        });
        return { stdout: tabulate([header, ...rows]), stderr: "", exit_code: 0 };
      }
      if (words[0] === "get" && /^(services?|svc)$/.test(words[1])) {
        const rows = this.list("Service").map((s) => [s.metadata.name, "ClusterIP", s.spec.clusterIP, "<none>", s.spec.ports.map((p) => `${p.port}/TCP`).join(","), age(s)]);
        return { stdout: tabulate([["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ...rows]), stderr: "", exit_code: 0 };
      }
      if (words[0] === "get" && /^(deployments?|deploy)$/.test(words[1])) {
        const rows = this.list("Deployment").map((d) => [d.metadata.name, `${d.status.readyReplicas}/${d.spec.replicas}`, String(d.spec.replicas), String(d.status.availableReplicas), age(d)]);
        return { stdout: tabulate([["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ...rows]), stderr: "", exit_code: 0 };
      }
      if (words[0] === "delete" && /^(pods?|po)$/.test(words[1]) && words[2]) {
        if (!this.killPod(words[2])) return { stdout: "", stderr: `Error from server (NotFound): pods "${words[2]}" not found\n`, exit_code: 1 };
        return { stdout: `pod "${words[2]}" deleted\n`, stderr: "", exit_code: 0 };
      }
      return { stdout: "", stderr: "error: the demo page answers only get pods|svc|deploy, delete pod, curl and wget\n", exit_code: 1 };
    }

    apply(yaml) {
      if (/apps\/v1beta1/.test(yaml)) {
        const line = yaml.split("\n").findIndex((l) => l.includes("apps/v1beta1")) + 1;
        const name = (/^\s+name:\s*(\S+)/m.exec(yaml) || [])[1] || "";
        return {
          ok: false, output: "",
          error: `error: resource mapping not found for name: "${name}" namespace: "" from "STDIN": no matches for kind "Deployment" in version "apps/v1beta1"\nensure CRDs are installed first\n`,
          errors: [{ line, message: 'no matches for kind "Deployment" in version "apps/v1beta1"' }],
          hint: "apps/v1beta1 was removed in Kubernetes 1.16. The apps/v1 form also needs spec.selector matching the template's labels:\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: httpd\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      run: httpd\n  template:\n    metadata:\n      labels:\n        run: httpd\n    spec:\n      containers:\n      - name: httpd\n        image: httpd\n        ports:\n        - containerPort: 80\n",
        };
      }
      const docs = yaml.split(/^---\s*$/m).filter((d) => /kind:/.test(d));
      const out = docs.map((d) => {
        const kind = (/^kind:\s*(\S+)/m.exec(d) || [])[1] || "";
        const name = (/^\s+name:\s*(\S+)/m.exec(d) || [])[1] || "";
        const group = kind === "Deployment" ? "deployment.apps" : kind.toLowerCase();
        return `${group}/${name} ${this.get(kind, name) ? "unchanged" : "created"}`;
      });
      if (!out.length) return { ok: false, output: "", error: "error: no objects passed to apply\n", errors: [] };
      return { ok: true, output: out.join("\n") + "\n", error: "", errors: [] };
    }

    scale(name, replicas) {
      const deployment = this.get("Deployment", name);
      if (!deployment) return { type: "error", message: `deployments.apps "${name}" not found` };
      const rs = this.list("ReplicaSet").find((r) => r.metadata.ownerReferences[0].name === name);
      const old = rs.spec.replicas;
      deployment.spec.replicas = replicas;
      rs.spec.replicas = replicas;
      this.change("MODIFIED", deployment);
      this.change("MODIFIED", rs);
      this.event(deployment, "Normal", "ScalingReplicaSet", `Scaled ${replicas > old ? "up" : "down"} replica set ${rs.metadata.name} to ${replicas} from ${old}`, "deployment-controller");
      this.syncOwners();
      return { type: "kubectl_result", stdout: `deployment.apps/${name} scaled\n`, stderr: "", exit_code: 0 };
    }

    /** Answers one browser frame. */
    handle(frame) {
      const reply = (fields) => this.socket.deliver({ id: frame.id, ...fields });
      switch (frame.type) {
        case "ping":
          return this.socket.deliver({ type: "pong" });
        case "apply":
          return reply({ type: "apply_result", ...this.apply(frame.yaml) });
        case "kubectl":
          return reply({ type: "kubectl_result", ...this.kubectl(frame.line) });
        case "delete_pod":
          return this.killPod(frame.name) ? reply({ type: "kubectl_result", stdout: `pod "${frame.name}" deleted\n`, stderr: "", exit_code: 0 }) : reply({ type: "error", message: `pods "${frame.name}" not found` });
        case "scale":
          return reply(this.scale(frame.name, frame.replicas));
        case "traffic":
          return this.socket.deliver(this.traffic(frame.from, frame.url, Math.max(1, Math.min(100, frame.count))));
        case "speed":
          this.speed = frame.speed;
          return this.socket.deliver({ type: "clock", time: this.time, speed: this.speed });
        case "why":
          return reply(this.why(frame.name));
        case "complete": {
          const last = frame.line.split(/\s+/).pop();
          return reply({ type: "completions", items: this.list("Pod").map((p) => p.metadata.name).filter((n) => n.startsWith(last) && last) });
        }
        case "reset":
          return this.socket.deliver(this.snapshot());
        default:
          return reply({ type: "error", message: `unknown frame type "${frame.type}"` });
      }
    }
  }

  function owner(pod) {
    const ref = (pod.metadata.ownerReferences || [])[0];
    return ref ? ref.name : null;
  }
  function matches(selector, labels) {
    return Object.keys(selector).length > 0 && Object.keys(selector).every((k) => labels[k] === selector[k]);
  }
  function human(s) {
    s = Math.floor(s);
    if (s < 120) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
    return `${m}m`;
  }
  function tabulate(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] + 3) : c)).join("")).join("\n") + "\n";
  }

  /** A WebSocket look-alike backed by the fake cluster. */
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.cluster = new Cluster(this);
      setTimeout(() => {
        this.readyState = 1;
        if (this.onopen) this.onopen();
        this.deliver(this.cluster.snapshot());
        this.cluster.lastChecks = JSON.stringify(this.cluster.checks());
        this.cluster.script();
        this.timer = setInterval(() => this.cluster.tick(), TICK_MS);
      }, 150);
    }
    deliver(frame) {
      if (this.readyState !== 1) return;
      setTimeout(() => this.onmessage && this.onmessage({ data: JSON.stringify(frame) }), 0);
    }
    send(text) {
      const frame = JSON.parse(text);
      setTimeout(() => this.cluster.handle(frame), 60);
    }
    close() {
      this.readyState = 3;
      clearInterval(this.timer);
      if (this.onclose) this.onclose({ code: 1000 });
    }
  }

  window.podiumSocketFactory = (url) => new FakeSocket(url);
})();
