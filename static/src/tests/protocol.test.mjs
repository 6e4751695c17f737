import { test } from "node:test";
import assert from "node:assert/strict";
import { Connection, socketURL } from "../protocol.js";

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 1;
    this.sent = [];
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  receive(frame) {
    this.onmessage({ data: JSON.stringify(frame) });
  }
}

function connect() {
  const sockets = [];
  const seen = [];
  const handlers = { on_snapshot: (f) => seen.push(`snapshot ${f.seq}`), on_change: (f) => seen.push(`change ${f.seq}`) };
  const connection = new Connection("/ws/sandbox/demo/", handlers, {
    socketFactory: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  connection.connect(true);
  return { connection, sockets, seen };
}

test("it builds the socket URL with since, on the page's host", () => {
  const base = new URL("https://podium.example/lessons/1/");
  assert.equal(socketURL("/ws/sandbox/demo/", null, base), "wss://podium.example/ws/sandbox/demo/");
  assert.equal(socketURL("/ws/sandbox/demo/", 41, base), "wss://podium.example/ws/sandbox/demo/?since=41");
});

test("it applies changes in order and ignores repeats", () => {
  const { sockets, seen } = connect();
  sockets[0].receive({ type: "snapshot", seq: 10, objects: [] });
  sockets[0].receive({ type: "change", seq: 11, change: {} });
  sockets[0].receive({ type: "change", seq: 11, change: {} });
  sockets[0].receive({ type: "change", seq: 12, change: {} });
  assert.deepEqual(seen, ["snapshot 10", "change 11", "change 12"]);
});

test("it takes a fresh snapshot when a change is missing", () => {
  const { sockets, seen } = connect();
  sockets[0].receive({ type: "snapshot", seq: 10, objects: [] });
  sockets[0].receive({ type: "change", seq: 12, change: {} });
  assert.deepEqual(seen, ["snapshot 10"]);
  assert.equal(sockets.length, 2);
  assert.ok(!sockets[1].url.includes("since"));
});

test("it resumes with since after a dropped socket", async () => {
  const { connection, sockets } = connect();
  sockets[0].receive({ type: "snapshot", seq: 10, objects: [] });
  sockets[0].receive({ type: "change", seq: 11, change: {} });
  sockets[0].onclose({ code: 1006 });
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(sockets.length, 2);
  assert.ok(sockets[1].url.endsWith("?since=11"));
  connection.close();
});

test("it resolves a request with the reply that carries its id", async () => {
  const { connection, sockets } = connect();
  const reply = connection.request({ type: "kubectl", line: "get pods" });
  const sent = sockets[0].sent[0];
  assert.equal(sent.type, "kubectl");
  sockets[0].receive({ type: "kubectl_result", id: sent.id, stdout: "No resources found in default namespace.\n", stderr: "", exit_code: 0 });
  assert.equal((await reply).stdout, "No resources found in default namespace.\n");
});

test("it stops retrying when the server refuses the sandbox", () => {
  const states = [];
  const sockets = [];
  const connection = new Connection("/ws/sandbox/x/", {}, { socketFactory: (u) => (sockets.push(new FakeSocket(u)), sockets.at(-1)), onState: (s) => states.push(s) });
  connection.connect(true);
  sockets[0].onclose({ code: 4403 });
  assert.equal(states.at(-1), "refused");
});

test("it hands a running command's output to its caller until the command's reply", async () => {
  const { connection, sockets } = connect();
  sockets[0].receive({ type: "snapshot", seq: 1, objects: [] });
  const printed = [];
  const running = connection.request({ type: "kubectl", line: "get pods -w" }, 0, (f) => printed.push(f.stdout));
  sockets[0].receive({ type: "kubectl_output", id: running.id, stdout: "NAME   READY\n" });
  sockets[0].receive({ type: "kubectl_output", id: running.id, stdout: "web    0/1\n" });
  sockets[0].receive({ type: "kubectl_result", id: running.id, stdout: "", stderr: "", exit_code: 130 });
  sockets[0].receive({ type: "kubectl_output", id: running.id, stdout: "late\n" });
  const reply = await running;
  assert.deepEqual(printed, ["NAME   READY\n", "web    0/1\n"]);
  assert.equal(reply.exit_code, 130);
  assert.deepEqual(sockets[0].sent.at(-1), { type: "kubectl", line: "get pods -w", id: running.id });
});
