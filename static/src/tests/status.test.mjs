// `node --test static/src/tests/`: the STATUS/READY columns and the protocol's ordering rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { humanDuration, podReadyText, podStatus, statusCategory } from "../status.js";

const pod = (status, metadata = {}, spec = { containers: [{ name: "httpd" }] }) => ({ metadata: { name: "p", ...metadata }, spec, status });
const waiting = (reason) => ({ name: "httpd", ready: false, restartCount: 0, state: { waiting: { reason } } });
const running = (ready) => ({ name: "httpd", ready, restartCount: 0, state: { running: { startedAt: "2026-11-24T10:00:00Z" } } });

test("a pod waiting for a node shows Pending 0/1", () => {
  const p = pod({ phase: "Pending" });
  assert.equal(podStatus(p), "Pending");
  assert.equal(podReadyText(p), "0/1");
  assert.equal(statusCategory("Pending"), "pending");
});

test("a scheduled pod pulling its image shows ContainerCreating", () => {
  assert.equal(podStatus(pod({ phase: "Pending", containerStatuses: [waiting("ContainerCreating")] })), "ContainerCreating");
});

test("a running ready pod shows Running 1/1, a running unready one Running 0/1", () => {
  const ready = pod({ phase: "Running", containerStatuses: [running(true)] });
  const unready = pod({ phase: "Running", containerStatuses: [running(false)] });
  assert.deepEqual([podStatus(ready), podReadyText(ready)], ["Running", "1/1"]);
  assert.deepEqual([podStatus(unready), podReadyText(unready)], ["Running", "0/1"]);
  assert.equal(statusCategory("Running", { ready: 0, total: 1 }), "notready");
});

test("a deleted pod shows Terminating while it shuts down", () => {
  const p = pod({ phase: "Running", containerStatuses: [running(true)] }, { deletionTimestamp: "2026-11-24T10:00:30Z" });
  assert.equal(podStatus(p), "Terminating");
});

test("image and crash errors show the kubelet's waiting reason, each in its own family", () => {
  assert.equal(podStatus(pod({ phase: "Pending", containerStatuses: [waiting("ImagePullBackOff")] })), "ImagePullBackOff");
  assert.equal(statusCategory("ErrImagePull"), "image");
  assert.equal(podStatus(pod({ phase: "Running", containerStatuses: [waiting("CrashLoopBackOff")] })), "CrashLoopBackOff");
  assert.equal(statusCategory("CrashLoopBackOff"), "crash");
});

test("the first container's reason wins, as kubectl iterates from last to first", () => {
  const spec = { containers: [{ name: "a" }, { name: "b" }] };
  const p = pod({ phase: "Pending", containerStatuses: [{ ...waiting("ErrImagePull"), name: "a" }, { ...waiting("ContainerCreating"), name: "b" }] }, {}, spec);
  assert.equal(podStatus(p), "ErrImagePull");
  assert.equal(podReadyText(p), "0/2");
});

test("init containers show Init:n/m until they finish", () => {
  const spec = { initContainers: [{ name: "setup" }], containers: [{ name: "httpd" }] };
  const p = pod({ phase: "Pending", initContainerStatuses: [{ name: "setup", state: { running: {} } }], containerStatuses: [waiting("PodInitializing")] }, {}, spec);
  assert.equal(podStatus(p), "Init:0/1");
});

test("ages print like kubectl's AGE column", () => {
  assert.deepEqual([5, 119, 120, 125, 600, 3 * 3600 + 60, 8 * 3600, 50 * 3600, -1, -5].map(humanDuration), ["5s", "119s", "2m", "2m5s", "10m", "3h1m", "8h", "2d2h", "0s", "<invalid>"]);
});
