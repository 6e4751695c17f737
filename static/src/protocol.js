// The sandbox websocket: connects, keeps the last change `seq`, reconnects with back-off and `?since=`,
// correlates replies by `id`, and hands every other frame to the handler its `type` names (`on_change`).
// See docs/websocket-protocol.md.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const PING_EVERY_MS = 25000;
const REPLY_TYPES = new Set(["apply_result", "kubectl_result", "why", "completions", "done", "error"]);
// The server closes with this code when the sandbox is not this browser's: retrying cannot help.
const REFUSED = 4403;

/** Turns a `ws_url` (absolute, or a path like `/ws/sandbox/x/`) into an absolute ws(s) URL with `since`. */
export function socketURL(wsURL, since, base = globalThis.location) {
  const url = new URL(wsURL, base ? base.href : "ws://localhost/");
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  if (since === null || since === undefined) url.searchParams.delete("since");
  else url.searchParams.set("since", String(since));
  return url.toString();
}

/** One logical connection to a sandbox, surviving socket drops. */
export class Connection {
  /**
   * @param {string} wsURL the workspace's data-ws-url
   * @param {object} handlers an object with `on_<type>` methods for server frames
   * @param {object} options `socketFactory(url)` (a WebSocket look-alike; the demo passes a fake) and
   *   `onState(state, detail)` called with "connecting", "live", "reconnecting", "refused" or "offline"
   */
  constructor(wsURL, handlers, options = {}) {
    this.wsURL = wsURL;
    this.handlers = handlers;
    this.socketFactory = options.socketFactory || ((url) => new WebSocket(url));
    this.onState = options.onState || (() => {});
    this.lastSeq = null;
    this.nextId = 1;
    this.pending = new Map();
    this.streams = new Map(); // id → the handler of a running command's `kubectl_output` frames (get -w)
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.pinger = null;
    this.closedByUs = false;
  }

  /** Opens the socket; with `fresh`, asks for a new snapshot instead of the changes since `lastSeq`. */
  connect(fresh = false) {
    clearTimeout(this.timer);
    if (fresh) this.lastSeq = null;
    this.onState("connecting");
    const socket = this.socketFactory(socketURL(this.wsURL, this.lastSeq));
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.onState("live");
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.send({ type: "ping" }), PING_EVERY_MS);
    };
    socket.onmessage = (message) => {
      if (socket !== this.socket) return;
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      this.receive(frame);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      if (event && event.code === REFUSED) {
        this.closedByUs = true;
        this.socket = null;
        clearInterval(this.pinger);
        this.failPending("this sandbox belongs to another browser session");
        this.onState("refused");
        return;
      }
      this.dropped();
    };
  }

  /** Handles one decoded server frame. */
  receive(frame) {
    if (frame.type === "snapshot") {
      this.lastSeq = frame.seq;
    } else if (frame.type === "change") {
      // Changes apply in order: a repeat is ignored, a gap means something was lost, so start over.
      if (this.lastSeq !== null && frame.seq <= this.lastSeq) return;
      if (this.lastSeq === null || frame.seq !== this.lastSeq + 1) {
        this.resync();
        return;
      }
      this.lastSeq = frame.seq;
    }
    if (frame.type === "kubectl_output") {
      const onOutput = this.streams.get(frame.id);
      if (onOutput) onOutput(frame);
      return;
    }
    if (frame.id !== undefined && this.pending.has(frame.id)) {
      const resolve = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      this.streams.delete(frame.id);
      resolve(frame);
      // A reply is for its caller only; a broadcast that happens to carry an id is shown as well.
      if (REPLY_TYPES.has(frame.type)) return;
    }
    const handler = this.handlers[`on_${frame.type}`];
    if (handler) handler.call(this.handlers, frame);
  }

  /** Sends a frame; returns false when there is no open socket. */
  send(frame) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Sends a frame with a fresh `id` and resolves with the reply (an `error` frame when it failed). Frames
   * the server may answer only through broadcasts (`scale`, `reset`…) pass `timeoutMs`: after it the
   * promise resolves with `{type: "timeout"}`. A command that keeps printing (`kubectl get -w`) hands each
   * `kubectl_output` frame to `onOutput` until its reply; the promise's `id` is what `cancel` names.
   */
  request(frame, timeoutMs = 0, onOutput = null) {
    const id = this.nextId++;
    const promise = new Promise((resolve) => {
      if (!this.send({ ...frame, id })) {
        resolve({ type: "error", id, message: "not connected to the sandbox; reconnecting…" });
        return;
      }
      this.pending.set(id, resolve);
      if (onOutput) this.streams.set(id, onOutput);
      if (timeoutMs) {
        setTimeout(() => {
          if (this.pending.get(id) !== resolve) return;
          this.pending.delete(id);
          resolve({ type: "timeout", id });
        }, timeoutMs);
      }
    });
    promise.id = id;
    return promise;
  }

  /** Drops the socket on purpose and reconnects for a fresh snapshot. */
  resync() {
    const old = this.socket;
    this.socket = null;
    if (old) old.close();
    this.failPending("the connection was reset; try again");
    this.connect(true);
  }

  /** Closes for good (page unload). */
  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) this.socket.close();
    this.socket = null;
    this.onState("offline");
  }

  dropped() {
    clearInterval(this.pinger);
    this.socket = null;
    this.failPending("the connection to the sandbox was lost");
    if (this.closedByUs) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.onState("reconnecting", delay);
    this.timer = setTimeout(() => this.connect(false), delay);
  }

  failPending(message) {
    for (const [id, resolve] of this.pending) resolve({ type: "error", id, message });
    this.pending.clear();
    this.streams.clear();
  }
}
