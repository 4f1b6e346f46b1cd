// bridge-client.js: the Discord ⇄ web bridge's browser client (ES module, no dependencies).
// Types: bridge-client.d.ts. Guide: README.md beside this file. Served by every node at
// /client/bridge-client.js. It keeps the stream's promises (docs/stream.md) so apps need not:
// resume with Last-Event-ID across reconnects and reloads, one `reset` callback, a watchdog on
// heartbeats, command promises settled on the real outcome, Retry-After, token renewal, and one
// connection for all the tabs of an origin.
import { BridgeError, ERROR_CODES, commandError, errorOf, settled } from './errors.js';
import { joinTabs } from './tabs.js';
import { jwtExpiry } from './tokens.js';
import { idAfter } from './ids.js';
import { SseParser } from './sse-parser.js';
import { voicePresence } from './presence.js';

export { BridgeError, ERROR_CODES, idAfter };

const FINAL = new Set(['delivered', 'rejected', 'failed']);
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15000;

function newKey() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(new BridgeError('ABORTED', 'aborted')); }, { once: true });
});

export function createBridgeClient(options = {}) {
  return new BridgeClient(options);
}

export class BridgeClient {
  constructor(o = {}) {
    this.baseUrl = (o.baseUrl ?? '').replace(/\/$/, '');
    this.getToken = o.getToken ?? null;
    this.renewBeforeMs = o.renewBeforeMs ?? 60000;
    this.heartbeatTimeoutMs = o.heartbeatTimeoutMs ?? 35000;
    this.filter = o.filter ?? {};
    this.credentials = o.credentials ?? 'same-origin';
    this.maxRetries = o.maxRetries ?? 4;
    this.commandTimeoutMs = o.commandTimeoutMs ?? 600000;
    this.fetch = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.storage = o.storage === undefined ? safeStorage('sessionStorage') : o.storage;
    this.storageKey = o.storageKey ?? 'bridge-client:lastEventId';
    this.channelName = o.channelName ?? 'bridge-client';
    this.shareTabs = o.shareTabs !== false && typeof BroadcastChannel === 'function' && !!globalThis.navigator?.locks;
    this.lastEventId = this.storage?.getItem(this.storageKey) ?? null;
    this.state = 'idle';
    this.isLeader = false;
    this.stats = { connections: 0, silentReplaced: 0, resets: 0, tokenRenewals: 0 };
    this.handlers = new Map();
    this.resetHandlers = new Set();
    this.stateHandlers = new Set();
    this.waiters = new Map();        // commandId -> {resolve, reject, timer}
    this.finished = new Map();       // commandId -> final status seen before its 202 was read
    this.trackers = new Set();
    this.token = null;
    this.tokenExpiresAt = null;
    this.conn = null;
    this.running = false;
  }

  // ------------------------------------------------------------------ subscriptions

  /** Listen to an event name ('messageCreate', 'voice.joined', 'commandStatus', ...) or '*'. */
  on(name, handler) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(handler);
    return () => this.handlers.get(name)?.delete(handler);
  }

  /** Events may have been lost (an old Last-Event-ID, or the upstream session was lost): refetch. */
  onReset(handler) { this.resetHandlers.add(handler); return () => this.resetHandlers.delete(handler); }

  onState(handler) { this.stateHandlers.add(handler); handler(this.state); return () => this.stateHandlers.delete(handler); }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    for (const h of this.stateHandlers) safely(h, s);
    if (this.isLeader) this.post({ type: 'state', state: s });
  }

  // ------------------------------------------------------------------ start and stop

  /** Loads the voice snapshots it tracks, then holds the stream (or follows the tab that does). */
  async start() {
    if (this.running) return;
    this.running = true;
    this.setState('connecting');
    try {
      await Promise.all([...this.trackers].map((t) => t.load()));
    } catch (err) {
      this.running = false;
      this.lastError = err;
      this.setState(err?.code === 'UNAUTHENTICATED' ? 'unauthenticated' : 'stopped');
      throw err;
    }
    if (!this.running) return;
    // Resume from the stored position, or from the oldest snapshot when that is older (or there is
    // none): every voice event after each snapshot reaches its tracker.
    const ids = [...this.trackers].flatMap((t) => t.streamIds()).filter(Boolean);
    const oldest = ids.reduce((min, id) => (min == null || idAfter(min, id) ? id : min), null);
    if (oldest != null && (this.lastEventId == null || idAfter(this.lastEventId, oldest))) this.lastEventId = oldest;
    if (!this.shareTabs) { this.lead(); return; }
    const tabs = await joinTabs(this);
    if (this.running) this.tabs = tabs; else tabs.leave();   // stopped meanwhile
  }

  stop() {
    this.running = false;
    this.isLeader = false;
    this.tabs?.leave();
    this.tabs = null;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.renewTimer);
    this.conn?.close();
    this.conn = null;
    this.setState('stopped');
  }

  /** Drop the connection and open a new one from the last event processed (as after a network cut). */
  reconnect() { if (this.isLeader) { this.conn?.close(); this.connect(); } }

  lead() {
    this.isLeader = true;
    this.post({ type: 'state', state: this.state });
    this.connect();
  }

  /** To the other tabs, when this one leads (events, resets, the connection's state). */
  post(message) { this.tabs?.post(message); }

  // ------------------------------------------------------------------ the stream

  async connect() {
    clearTimeout(this.reconnectTimer);
    if (!this.running || !this.isLeader) return;
    this.setState(this.stats.connections === 0 ? 'connecting' : 'reconnecting');
    try {
      await this.ensureToken(false);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.conn?.close();
    const conn = this.open(false);
    this.conn = conn;
    conn.ready.then(() => {
      this.delay = RECONNECT_MIN_MS;
      this.renewedFor401 = false;
      this.scheduleRenewal();
    }, () => { /* the connection's own failure handler reconnects */ });
  }

  /** Opens one connection; its events go through dispatch (duplicates of a swap are dropped by id). */
  open(standby) {
    const controller = new AbortController();
    const conn = { closed: false, standby, close: () => { conn.closed = true; controller.abort(); } };
    let settle;
    conn.ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    conn.ready.catch(() => {});
    this.stats.connections++;
    let watchdog;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        if (conn.closed) return;
        this.stats.silentReplaced++;
        conn.close();
        if (this.conn === conn && !conn.standby) this.scheduleReconnect(0);
      }, this.heartbeatTimeoutMs);
    };
    const parser = new SseParser((block) => {
      if (block.retry !== undefined) this.retryMs = block.retry;
      if (block.event === 'ready') { conn.standby = false; this.setState('live'); settle.resolve(); }
      if (block.event === 'shutdown') { conn.close(); if (this.conn === conn) this.scheduleReconnect(parse(block.data)?.retryMs ?? 500); return; }
      if (block.event === 'evicted') {
        // This user opened more streams on the node than it allows and this one was the oldest:
        // reconnecting would end another of the user's streams in turn, so stay stopped.
        conn.close();
        if (this.conn === conn) { this.conn = null; clearTimeout(this.renewTimer); this.setState('evicted'); }
        return;
      }
      if (block.event === 'heartbeat') return;
      this.dispatch(parse(block.data), block.event, block.id);
    });
    (async () => {
      feed();
      const res = await this.fetch(this.url('/api/stream', this.streamQuery()), {
        headers: this.headers({ Accept: 'text/event-stream', ...(this.lastEventId ? { 'Last-Event-ID': this.lastEventId } : {}) }),
        credentials: this.credentials, cache: 'no-store', signal: controller.signal,
      });
      if (res.status === 401 && this.getToken && !this.renewedFor401 && !standby) {
        this.renewedFor401 = true;   // one fresh token per refusal; refused again: unauthenticated
        await this.ensureToken(true);
        throw Object.assign(new Error('renewed'), { retryNow: true });
      }
      if (!res.ok) throw await errorOf(res);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();   // UTF-8; a character split across chunks waits for its rest
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed();
        parser.push(decoder.decode(value, { stream: true }));
      }
      throw new Error('the stream ended');
    })().catch((err) => {
      clearTimeout(watchdog);
      settle.reject(err);
      if (conn.closed || conn.standby || this.conn !== conn) return;   // replaced on purpose, or a renewal's (renew retries)
      conn.closed = true;
      if (err instanceof BridgeError && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) { this.fail(err); return; }
      this.scheduleReconnect(err.retryNow ? 0 : undefined);
    });
    return conn;
  }

  streamQuery() {
    const q = new URLSearchParams();
    for (const g of this.filter.guilds ?? []) q.append('guild', g);
    for (const c of this.filter.channels ?? []) q.append('channel', c);
    if (this.filter.types?.length) q.set('types', this.filter.types.join(','));
    return q;
  }

  scheduleReconnect(delay) {
    if (!this.running || !this.isLeader) return;
    this.setState('reconnecting');
    const base = this.delay ?? RECONNECT_MIN_MS;
    const wait = delay ?? Math.max(this.retryMs ?? 0, base / 2 + Math.random() * base / 2);
    this.delay = Math.min(RECONNECT_MAX_MS, base * 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), wait);
  }

  fail(err) {
    this.conn?.close();
    this.conn = null;
    this.lastError = err;
    this.setState(err?.code === 'UNAUTHENTICATED' ? 'unauthenticated' : err?.code === 'FORBIDDEN' ? 'stopped' : 'reconnecting');
    if (err?.code !== 'UNAUTHENTICATED' && err?.code !== 'FORBIDDEN') this.scheduleReconnect();
  }

  /** One event, from this tab's stream or the leader's: dropped when already processed, else handed out. */
  dispatch(ev, name, id) {
    if (id) {
      if (idAfter(id, this.lastEventId)) {
        this.lastEventId = id;
        try { this.storage?.setItem(this.storageKey, id); } catch { /* full or denied */ }
      } else if (name !== 'reset') {
        return;   // already processed (a replay after a reconnect, or both connections of a token swap)
      }
    }
    if (this.isLeader) this.post(name === 'reset' ? { type: 'reset', data: ev, id } : { type: 'event', event: ev, name, id });
    if (name === 'reset') { this.onResetEvent(ev ?? {}, id); return; }
    if (name === 'commandStatus') this.onCommandStatus(ev);
    for (const h of this.handlers.get(name) ?? []) safely(h, ev);
    for (const h of this.handlers.get('*') ?? []) safely(h, ev, name);
  }

  /** Resets that come while the app still refetches are folded into one more call after it. */
  async onResetEvent(info, id) {
    this.stats.resets++;
    const event = { reason: info.reason ?? 'reset', id: id ?? null };
    if (this.resetting) { this.resetAgain = event; return; }
    this.resetting = true;
    try {
      await Promise.all([...this.trackers].map((t) => t.load().catch(() => {})));
      await Promise.all([...this.resetHandlers].map((h) => Promise.resolve().then(() => h(event)).catch(() => {})));
    } finally {
      this.resetting = false;
    }
    if (this.resetAgain) { const again = this.resetAgain; this.resetAgain = null; this.onResetEvent(again, again.id); }
  }

  // ------------------------------------------------------------------ tokens

  /** A token (Bearer) from getToken, fetched when missing, expiring, or refused; none: the cookie. */
  async ensureToken(force) {
    if (!this.getToken) return;
    const soon = this.tokenExpiresAt != null && this.tokenExpiresAt - Date.now() < Math.min(this.renewBeforeMs, 1000);
    if (!force && this.token != null && !soon) return;
    const got = await this.getToken();
    const token = typeof got === 'string' ? got : got?.token ?? null;
    const expiresAt = typeof got === 'object' && got?.expiresAt != null ? new Date(got.expiresAt).getTime() : null;
    this.token = token;
    this.tokenExpiresAt = expiresAt ?? (token ? jwtExpiry(token) : null);
  }

  /** Before the token expires: a new connection with a fresh token from the last id, then the old one closes. */
  scheduleRenewal() {
    clearTimeout(this.renewTimer);
    if (!this.getToken || this.tokenExpiresAt == null) return;
    const lifetime = this.tokenExpiresAt - Date.now();
    const wait = Math.max(0, lifetime - Math.min(this.renewBeforeMs, lifetime / 2));
    this.renewTimer = setTimeout(() => this.renew(), wait);
  }

  async renew() {
    if (!this.running || !this.isLeader) return;
    const old = this.conn;
    let next = null;
    try {
      await this.ensureToken(true);
      next = this.open(true);
      await next.ready;
    } catch {
      next?.close();
      this.renewTimer = setTimeout(() => this.renew(), 1000);
      return;
    }
    if (this.conn !== old || !this.running || !this.isLeader) { next.close(); return; }   // replaced meanwhile
    this.stats.tokenRenewals++;
    this.conn = next;
    old?.close();
    this.scheduleRenewal();
  }

  // ------------------------------------------------------------------ HTTP

  url(path, query) {
    const q = query && [...query].length ? `?${query}` : '';
    return `${this.baseUrl}${path}${q}`;
  }

  headers(extra = {}) {
    return this.token ? { ...extra, Authorization: `Bearer ${this.token}` } : extra;
  }

  /** GET a JSON resource of the bridge; a BridgeError when it is not 200. */
  async getJson(path) {
    await this.ensureToken(false);
    let res = await this.fetch(this.url(path), { headers: this.headers({ Accept: 'application/json' }), credentials: this.credentials, cache: 'no-store' });
    if (res.status === 401 && this.getToken) {
      await this.ensureToken(true);
      res = await this.fetch(this.url(path), { headers: this.headers({ Accept: 'application/json' }), credentials: this.credentials, cache: 'no-store' });
    }
    if (!res.ok) throw await errorOf(res);
    return res.json();
  }

  // ------------------------------------------------------------------ commands

  sendMessage(body, options) { return this.command('sendMessage', body, options); }
  addReaction(body, options) { return this.command('addReaction', body, options); }
  typingStart(body, options) { return this.command('typingStart', body, options); }

  /**
   * Posts a command with an Idempotency-Key (the same on every retry, so at most one is sent), waits
   * out Retry-After on 429/503/409, and settles on the real outcome: the 200, or for a 202 the
   * final commandStatus on the stream (delivered; rejected or failed reject the promise).
   */
  async command(name, body, { idempotencyKey = newKey(), signal, timeoutMs = this.commandTimeoutMs, onStatus, onRetry } = {}) {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        await this.ensureToken(false);
        res = await this.fetch(this.url(`/api/commands/${encodeURIComponent(name)}`), {
          method: 'POST', credentials: this.credentials, signal, body: JSON.stringify(body ?? {}),
          headers: this.headers({ 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': idempotencyKey }),
        });
      } catch (err) {
        if (signal?.aborted) throw new BridgeError('ABORTED', 'aborted');
        if (attempt >= this.maxRetries) throw new BridgeError('NETWORK', `the bridge could not be reached: ${err?.message ?? err}`);
        await sleep(Math.min(8000, 500 * 2 ** attempt), signal);
        continue;
      }
      if (res.status === 200) return res.json();
      if (res.status === 202) {
        const queued = await res.json();
        onStatus?.({ commandId: queued.commandId, status: 'queued' });
        return this.outcome(queued.commandId, timeoutMs, signal, onStatus);
      }
      const err = await errorOf(res);
      if (res.status === 401 && this.getToken && !renewed) { renewed = true; await this.ensureToken(true); continue; }
      const retryable = res.status === 429 || res.status === 503 || res.status === 409;
      if (!retryable || attempt >= this.maxRetries) throw err;
      if (onRetry) safely(onRetry, err, err.retryAfterMs ?? 1000);
      await sleep(err.retryAfterMs ?? 1000, signal);
    }
  }

  outcome(commandId, timeoutMs, signal, onStatus) {
    const seen = this.finished.get(commandId);
    if (seen) return settled(seen);
    return new Promise((resolve, reject) => {
      const done = (fn, v) => { clearTimeout(waiter.timer); this.waiters.delete(commandId); fn(v); };
      const waiter = {
        onStatus,
        settle: (s) => (s.status === 'delivered' ? done(resolve, { commandId, status: 'delivered', result: s.result ?? null })
          : done(reject, commandError(s))),
        timer: setTimeout(() => done(reject, new BridgeError('TIMEOUT', 'no outcome on the stream in time', { commandId })), timeoutMs),
      };
      signal?.addEventListener('abort', () => done(reject, new BridgeError('ABORTED', 'aborted', { commandId })), { once: true });
      this.waiters.set(commandId, waiter);
    });
  }

  onCommandStatus(s) {
    if (!s?.commandId) return;
    const waiter = this.waiters.get(s.commandId);
    if (waiter) safely(waiter.onStatus ?? (() => {}), s);
    if (!FINAL.has(s.status)) return;
    if (waiter) { waiter.settle(s); return; }
    this.finished.set(s.commandId, s);   // its 202 may still be on its way
    if (this.finished.size > 500) this.finished.delete(this.finished.keys().next().value);
  }

  // ------------------------------------------------------------------ voice presence

  /**
   * Voice presence of these guilds kept current: each snapshot is paired with its streamId (events at
   * or before it are already in it), refetched after every reset. start() loads it before the stream.
   */
  voicePresence(guildIds, onChange) { return voicePresence(this, guildIds, onChange); }
}

function parse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

function safely(fn, ...args) {
  try { fn(...args); } catch (err) { setTimeout(() => { throw err; }); }
}

function safeStorage(name) {
  try { return globalThis[name] ?? null; } catch { return null; }
}
