// demo.html's sandbox: a WebSocket look-alike backed by a replay of frames the real server sent
// (demo-frames.json, recorded by tools/record_demo.py; see replay.js). The page is the real workspace.
// `demo.html?fast` plays the tape fifty times faster (for end-to-end tests); answers play at their own pace.

import recording from "./demo-frames.json";
import { Replay } from "./replay.js";

const TICK_MS = 50;
const FAST_TAPE = /[?&]fast\b/.test(location.search) ? 50 : 1;
const OPEN_MS = 150;

let socket = null;

function showState(state, step) {
  const status = document.getElementById("demo-status");
  if (!status) return;
  status.dataset.state = state;
  if (state === "tape") {
    const number = recording.tape.indexOf(step) + 1;
    status.textContent = `Replaying a session recorded from the real server — step ${number} of ${recording.tape.length}: ${step.says}${step.output ? ` → ${step.output.trim()}` : ""}`;
  } else if (state === "answering") {
    status.textContent = "Replaying the recorded answer…";
  } else {
    status.textContent = "The recording has played. Kill an httpd pod, send requests from a node or from outside, ask why about a Service, or run kubectl get/describe: the recording answers them.";
  }
}

const replay = new Replay(recording, {
  send: (frame) => socket && socket.deliver(frame),
  onState: showState,
});

let ticking = false;
function tick() {
  replay.advance((TICK_MS / 1000) * replay.speed * (replay.state === "tape" ? FAST_TAPE : 1));
}

/** What protocol.js needs of a WebSocket, with the replay on the other end. */
class ReplaySocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    setTimeout(() => {
      this.readyState = 1;
      socket = this;
      if (!ticking) ticking = setInterval(tick, TICK_MS); // the tape starts when the page first connects
      if (this.onopen) this.onopen();
      this.deliver(replay.snapshot());
    }, OPEN_MS);
  }
  deliver(frame) {
    if (this.readyState !== 1) return;
    const data = JSON.stringify(frame);
    setTimeout(() => this.onmessage && this.onmessage({ data }), 0);
  }
  send(text) {
    const frame = JSON.parse(text);
    setTimeout(() => replay.receive(frame), 0);
  }
  close() {
    this.readyState = 3;
    if (socket === this) socket = null;
    if (this.onclose) this.onclose({ code: 1000 });
  }
}

globalThis.podiumSocketFactory = (url) => new ReplaySocket(url);
globalThis.podiumDemo = { recording, replay };
