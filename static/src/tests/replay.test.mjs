// `node --test static/src/tests/`: the demo page's replay of the recorded frames (demo-frames.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Replay, askKey } from "../replay.js";

const recording = JSON.parse(readFileSync(new URL("../demo-frames.json", import.meta.url), "utf8"));

function replay() {
  const sent = [];
  const states = [];
  const r = new Replay(recording, { send: (f) => sent.push(f), onState: (state, step) => states.push(step ? step.says : state) });
  return { r, sent, states };
}

const changes = (frames) => frames.filter((f) => f.type === "change");
const httpdPods = (r) => [...r.store.objects.values()].filter((o) => o.kind === "Pod" && o.metadata.labels.run === "httpd").map((p) => p.metadata.name).sort();

test("the tape plays the recorded changes in order, one seq after the other, at their recorded times", () => {
  const { r, sent, states } = replay();
  r.advance(0);
  assert.equal(states[0], recording.tape[0].says);
  assert.equal(changes(sent).length, 0);
  r.advance(5);
  assert.ok(changes(sent).every((f) => f.time <= recording.snapshot.time + 5));
  r.advance(10_000);
  const seqs = changes(sent).map((f) => f.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => recording.snapshot.seq + 1 + i));
  assert.deepEqual(states.slice(0, recording.tape.length), recording.tape.map((s) => s.says));
  assert.equal(states.at(-1), "idle");
  assert.deepEqual(sent.at(-1), { type: "clock", time: recording.tape_ends, speed: 0 });
});

test("a command sent while the tape plays is answered, with its own id, once the tape is over", () => {
  const { r, sent } = replay();
  r.receive({ type: "kubectl", id: 7, line: "get  svc " });
  r.advance(1);
  assert.equal(sent.filter((f) => f.id === 7).length, 0);
  r.advance(10_000);
  const reply = sent.find((f) => f.id === 7);
  assert.equal(reply.type, "kubectl_result");
  assert.match(reply.stdout, /^NAME +TYPE +CLUSTER-IP/);
  assert.match(reply.stdout, /httpd-svc +ClusterIP/);
});

test("killing an httpd pod replays its termination and replacement, then answers from after the kill", () => {
  const { r, sent } = replay();
  r.advance(10_000);
  const [victim, survivor] = httpdPods(r);
  const before = sent.length;
  r.receive({ type: "delete_pod", id: 1, namespace: "default", name: victim });
  assert.equal(r.state, "end"); // still playing the answer
  r.receive({ type: "why", id: 2, namespace: "default", name: "httpd-svc" });
  assert.ok(sent.some((f) => f.id === 1 && f.type === "done" && f.output === `pod "${victim}" deleted\n`));
  assert.equal(sent.filter((f) => f.id === 2).length, 0);
  r.advance(10_000);
  assert.equal(r.state, `after killing ${victim}`);
  const pods = httpdPods(r);
  assert.equal(pods.length, 2);
  assert.ok(!pods.includes(victim) && pods.includes(survivor));
  const why = sent.find((f) => f.id === 2);
  assert.deepEqual(why.endpoints.map((e) => e.pod).sort(), pods);
  const seqs = changes(sent.slice(before)).map((f) => f.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i));
});

test("a command the recording has no answer for gets an error frame that says so", () => {
  const { r, sent } = replay();
  r.advance(10_000);
  r.receive({ type: "kubectl", id: 3, line: "get configmaps" });
  assert.deepEqual(Object.keys(sent.at(-1)).sort(), ["id", "message", "type"]);
  assert.equal(sent.at(-1).type, "error");
  assert.match(sent.at(-1).message, /recording has no answer for kubectl get configmaps/);
});

test("a socket opened mid-way gets a snapshot of where the replay stands, and reset starts over", () => {
  const { r, sent } = replay();
  r.advance(10_000);
  const snapshot = r.snapshot();
  assert.equal(snapshot.seq, changes(sent).at(-1).seq);
  assert.ok(snapshot.objects.some((o) => o.kind === "Service" && o.metadata.name === "httpd-svc"));
  assert.ok(snapshot.events.length <= 50);
  r.receive({ type: "reset", id: 9 });
  assert.deepEqual(sent.at(-2), { type: "done", id: 9, output: "sandbox reset\n" });
  assert.equal(sent.at(-1).seq, recording.snapshot.seq);
  assert.ok(!sent.at(-1).objects.some((o) => o.kind === "Service" && o.metadata.name === "httpd-svc"));
});

test("answers are found by what was asked, not by its id or spacing", () => {
  assert.equal(askKey({ type: "kubectl", id: 1, line: " get   pods -o wide" }), askKey({ type: "kubectl", line: "get pods -o wide" }));
  assert.equal(askKey({ type: "why", name: "httpd-svc" }), askKey({ type: "why", namespace: "default", name: "httpd-svc" }));
  assert.notEqual(askKey({ type: "complete", line: "kubectl get " }), askKey({ type: "complete", line: "kubectl get" }));
});

test("a partly typed word completes from the recorded completion of the line before it", () => {
  const { r, sent } = replay();
  r.advance(10_000);
  const ask = (id, line) => {
    r.receive({ type: "complete", id, line });
    r.advance(10_000);
    return sent.find((f) => f.id === id);
  };
  const all = ask(21, "kubectl get pods ").items;
  const typed = all[0].slice(0, 3);
  assert.deepEqual(ask(22, `kubectl get pods ${typed}`).items, all.filter((i) => i.startsWith(typed)));
  assert.equal(ask(23, "kubectl frobnicate x").type, "error");
});
