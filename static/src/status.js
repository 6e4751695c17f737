// kubectl's STATUS and READY columns and small text helpers, computed in the browser exactly as kubectl
// 1.32 prints them, so the diagram never disagrees with `kubectl get pods`. Labels and selectors: labels.js.

/** The pod's STATUS column text. */
// mirrors printPod (pkg/printers/internalversion/printers.go)
export function podStatus(pod) {
  const status = pod.status || {};
  const spec = pod.spec || {};
  let reason = status.phase || "";
  if (status.reason) reason = status.reason;
  for (const condition of status.conditions || []) {
    if (condition.type === "PodScheduled" && condition.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  const initSpecs = spec.initContainers || [];
  let initializing = false;
  (status.initContainerStatuses || []).some((container, i) => {
    const state = container.state || {};
    if (state.terminated && state.terminated.exitCode === 0) return false;
    if (isRestartableInit(initSpecs, container.name) && container.started) return false;
    if (state.terminated) {
      const t = state.terminated;
      if (!t.reason) reason = t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
      else reason = `Init:${t.reason}`;
    } else if (state.waiting && state.waiting.reason && state.waiting.reason !== "PodInitializing") {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    return true;
  });

  if (!initializing || hasCondition(status, "Initialized")) {
    let hasRunning = false;
    const containers = status.containerStatuses || [];
    // The loop runs from last to first so that the first container's reason wins, as in kubectl.
    for (let i = containers.length - 1; i >= 0; i--) {
      const container = containers[i];
      const state = container.state || {};
      if (state.waiting && state.waiting.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated && state.terminated.reason) {
        reason = state.terminated.reason;
      } else if (state.terminated) {
        reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode}`;
      } else if (container.ready && state.running) {
        hasRunning = true;
      }
    }
    if (reason === "Completed" && hasRunning) reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
  }

  const deleting = Boolean(pod.metadata && pod.metadata.deletionTimestamp);
  if (deleting && status.reason === "NodeLost") return "Unknown";
  if (deleting && status.phase !== "Succeeded" && status.phase !== "Failed") return "Terminating";
  return reason;
}

/** The pod's READY column as numbers: ready containers and total containers. */
// mirrors the readyContainers/totalContainers count in printPod, sidecars included
export function podReady(pod) {
  const spec = pod.spec || {};
  const status = pod.status || {};
  const initSpecs = spec.initContainers || [];
  let total = (spec.containers || []).length;
  let ready = 0;
  for (const init of initSpecs) if (init.restartPolicy === "Always") total += 1;
  for (const container of status.initContainerStatuses || []) {
    if (isRestartableInit(initSpecs, container.name) && container.started && container.ready) ready += 1;
  }
  for (const container of status.containerStatuses || []) {
    if (container.ready && container.state && container.state.running) ready += 1;
  }
  return { ready, total };
}

/** The READY column text, e.g. "1/1". */
export function podReadyText(pod) {
  const { ready, total } = podReady(pod);
  return `${ready}/${total}`;
}

/** The RESTARTS count (regular containers). */
export function podRestarts(pod) {
  return ((pod.status || {}).containerStatuses || []).reduce((sum, c) => sum + (c.restartCount || 0), 0);
}

const IMAGE_ERRORS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError"]);
const CRASHES = new Set(["CrashLoopBackOff", "Error", "OOMKilled", "RunContainerError", "StartError"]);
const CREATING = new Set(["ContainerCreating", "PodInitializing"]);

/** The visual family of a STATUS text: colour, icon and label in the diagram derive from it. */
export function statusCategory(statusText, ready = { ready: 1, total: 1 }) {
  const base = statusText.startsWith("Init:") ? statusText.slice(5) : statusText;
  if (statusText === "Running") return ready.ready === ready.total ? "running" : "notready";
  if (statusText === "NotReady") return "notready";
  if (statusText === "Terminating") return "terminating";
  if (statusText === "Pending" || statusText === "SchedulingGated") return "pending";
  if (IMAGE_ERRORS.has(base)) return "image";
  if (CRASHES.has(base) || base.startsWith("ExitCode:") || base.startsWith("Signal:")) return "crash";
  if (CREATING.has(statusText) || /^Init:\d+\/\d+$/.test(statusText)) return "creating";
  if (statusText === "Completed" || statusText === "Succeeded") return "done";
  return "failed";
}

/** A glyph and a short explanation for each status family, so status is never told by colour alone. */
export const CATEGORY_LOOK = {
  running: { icon: "✓", label: "running and ready" },
  notready: { icon: "◐", label: "running, not ready" },
  pending: { icon: "◷", label: "waiting to be scheduled" },
  creating: { icon: "⟳", label: "starting containers" },
  terminating: { icon: "⊘", label: "shutting down" },
  crash: { icon: "↻", label: "container keeps crashing" },
  image: { icon: "⚠", label: "image cannot be pulled" },
  done: { icon: "■", label: "finished" },
  failed: { icon: "✗", label: "failed" },
};

/** The pod's IP as `-o wide` prints it (`<none>` when it has none). */
export function podIP(pod) {
  const status = pod.status || {};
  if (status.podIPs && status.podIPs.length) return status.podIPs[0].ip;
  return status.podIP || "<none>";
}

/** A duration in seconds the way kubectl's AGE column prints it. */
// mirrors duration.HumanDuration (apimachinery/pkg/util/duration)
export function humanDuration(seconds) {
  const s = Math.trunc(seconds);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 192) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 730) return `${days}d`;
  const years = Math.floor(days / 365);
  if (years < 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Seconds since the epoch for an RFC 3339 timestamp, or null. */
export function parseTime(text) {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms / 1000;
}

function isRestartableInit(initSpecs, name) {
  const spec = initSpecs.find((c) => c.name === name);
  return Boolean(spec && spec.restartPolicy === "Always");
}

function hasCondition(status, type) {
  return (status.conditions || []).some((c) => c.type === type && c.status === "True");
}
