// The demo page's server: replays frames the real server sent (static/src/demo-frames.json, recorded by
// tools/record_demo.py) instead of simulating a cluster. It plays the recorded tape, then answers the page's
// commands with the answers recorded for where the replay stands; killing a pod leads to the answers recorded
// after that kill. A command the recording has no answer for gets an `error` frame saying so.
//
// A tiny core with no timers of its own: `advance(seconds)` moves the replay's cluster clock and delivers what
// is due; demo.js calls it from a timer, at a speed. Frames keep the recorded cluster times; between answers
// nothing is recorded, so the clock stands still (a `clock` frame with speed 0 says so).

import { Store } from "./store.js";

const SNAPSHOT_EVENTS = 50; // as many events as the server's snapshot carries

/** The key an answer is found by: the command's fields without its `id` (kubectl lines with single spaces). */
export function askKey(frame) {
  const fields = { ...frame };
  delete fields.id;
  if (fields.type === "kubectl" && typeof fields.line === "string") fields.line = fields.line.trim().split(/\s+/).join(" ");
  if (fields.type === "delete_pod" || fields.type === "why" || fields.type === "scale") fields.namespace = fields.namespace || "default";
  return JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k]]));
}

/** What the visitor asked, as a short line for messages. */
function describe(frame) {
  if (frame.type === "kubectl") return `kubectl ${frame.line}`.replace(/^kubectl (curl|wget)/, "$1");
  if (frame.type === "traffic") return `${frame.count} request(s) from ${frame.from} to ${frame.url}`;
  if (frame.type === "delete_pod") return `deleting pod ${frame.name}`;
  if (frame.type === "scale") return `scaling ${frame.name} to ${frame.replicas}`;
  if (frame.type === "why") return `why for Service ${frame.name}`;
  if (frame.type === "apply") return "applying this manifest";
  return frame.type;
}

export class Replay {
  /**
   * @param {object} recording the parsed demo-frames.json
   * @param {object} hooks `send(frame)` delivers a frame to the page; `onState(state, step)` hears
   *   "tape" (with the tape step now playing), "answering" and "idle"
   */
  constructor(recording, { send, onState = () => {} }) {
    this.recording = recording;
    this.send = send;
    this.onState = onState;
    this.answers = new Map();
    for (const [state, list] of Object.entries(recording.answers)) {
      this.answers.set(state, new Map(list.map((answer) => [askKey(answer.ask), answer])));
    }
    this.speed = 1;
    this.start();
  }

  /** Back to the recorded beginning: the snapshot, then the tape. */
  start() {
    const snapshot = this.recording.snapshot;
    this.store = new Store();
    this.store.reset(snapshot);
    this.seq = snapshot.seq;
    this.checks = snapshot.checks;
    this.now = snapshot.time;
    this.state = "tape";
    this.queue = [];
    this.waiting = [];
    let time = this.now;
    for (const step of this.recording.tape) {
      time = Math.max(time, step.time);
      this.queue.push({ at: time, step });
      for (const frame of step.frames) {
        time = frame.time || time;
        this.queue.push({ at: time, frame });
      }
    }
    this.queue.push({ at: Math.max(time, this.recording.tape_ends), then: "end" });
  }

  /** The snapshot frame a newly opened socket gets: where the replay stands now. */
  snapshot() {
    return {
      type: "snapshot",
      seq: this.seq,
      sandbox: this.recording.snapshot.sandbox,
      time: this.now,
      speed: this.playing ? this.speed : 0,
      objects: [...this.store.objects.values()],
      events: this.store.events.slice(-SNAPSHOT_EVENTS),
      checks: this.checks,
    };
  }

  get playing() {
    return this.queue.length > 0;
  }

  /** Moves the clock on by `seconds` of cluster time, delivering what falls due; it stops where the recording does. */
  advance(seconds) {
    if (!this.playing) return;
    const until = this.now + seconds;
    while (this.queue.length && this.queue[0].at <= until) {
      const item = this.queue.shift();
      this.now = Math.max(this.now, item.at);
      if (item.step) this.onState("tape", item.step);
      if (item.frame) this.deliver(item.frame);
      if (item.then) this.state = item.then;
    }
    if (this.playing) this.now = until;
    else this.idle();
  }

  deliver(frame) {
    if (frame.type === "change") {
      this.store.apply(frame.change, frame.time);
      this.seq = frame.seq;
    }
    if (frame.type === "checks") this.checks = frame.checks;
    this.send(frame);
  }

  idle() {
    this.send({ type: "clock", time: this.now, speed: 0 });
    this.onState("idle");
    const waiting = this.waiting;
    this.waiting = [];
    for (const frame of waiting) this.receive(frame);
  }

  /** Answers one frame from the page; commands wait while the recording is still playing. */
  receive(frame) {
    const reply = (fields) => this.send(frame.id === undefined ? fields : { ...fields, id: frame.id });
    switch (frame.type) {
      case "ping":
        return this.send({ type: "pong" });
      case "speed":
        // the playback speed: the recording plays paused, at its own pace, or four times faster
        this.speed = frame.speed;
        this.send({ type: "clock", time: this.now, speed: this.playing ? this.speed : 0 });
        if (frame.id !== undefined) reply({ type: "done", output: frame.speed ? `speed ${frame.speed}×\n` : "paused\n" });
        return undefined;
      case "reset":
        if (frame.id !== undefined) reply({ type: "done", output: "sandbox reset\n" });
        this.start();
        return this.send(this.snapshot());
      default:
        break;
    }
    if (this.playing) {
      this.waiting.push(frame);
      return undefined;
    }
    const answer = this.find(frame);
    if (!answer) {
      return reply({
        type: "error",
        message: `this demo page replays a recorded session, and the recording has no answer for ${describe(frame)}; Podium itself answers everything`,
      });
    }
    // Recorded frames keep their times; the recorded reply takes this command's id.
    let time = this.now;
    for (const recorded of answer.frames) {
      time = Math.max(time, recorded.time || time);
      this.queue.push({ at: time, frame: "id" in recorded ? { ...recorded, id: frame.id } : recorded });
    }
    if (answer.then) this.queue.push({ at: Math.max(time, answer.ends), then: answer.then });
    this.advance(0);
    if (this.playing) {
      this.onState("answering");
      this.send({ type: "clock", time: this.now, speed: this.speed });
    }
    return undefined;
  }

  /** The recorded answer for a command. A completion of a partly typed word is the completion recorded for the
   * line before that word, narrowed to the candidates that start with it, as the server narrows them. */
  find(frame) {
    const answers = this.answers.get(this.state) || new Map();
    const exact = answers.get(askKey(frame));
    if (exact || frame.type !== "complete" || typeof frame.line !== "string") return exact;
    const cut = frame.line.lastIndexOf(" ") + 1;
    const partial = frame.line.slice(cut);
    const before = answers.get(askKey({ ...frame, line: frame.line.slice(0, cut) }));
    if (!partial || !before) return undefined;
    return {
      ...before,
      frames: before.frames.map((f) => (f.type === "completions" ? { ...f, items: f.items.filter((i) => i.startsWith(partial)) } : f)),
    };
  }
}
