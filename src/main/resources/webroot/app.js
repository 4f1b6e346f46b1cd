// The bridge's page: voice presence, a live feed and a composer over /api/stream and
// /api/commands. Dependency-free ES module. Every piece of data from the network is written with
// textContent (never innerHTML), so a message can never become markup.

const FEED_LIMIT = 200;
const TYPING_THROTTLE_MS = 8000;
const TYPING_SHOWN_MS = 10000;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 15000;
const EVENT_NAMES = ['messageCreate', 'reactionAdd', 'typingStart', 'voice.joined', 'voice.left'];
const REACTION = { name: '👍', id: null };
const SIGNED_IN_COOKIE = 'bridge_demo_user';   // demo mode: set beside the HttpOnly token, readable
const EMOJI_CDN = 'https://cdn.discordapp.com/emojis/';

const $ = (id) => document.getElementById(id);

const state = {
  demo: false,
  roster: null,            // {guilds: [{id, name, channels: [{id, name, type}]}], users: [{id, username, simulated}]}
  me: null,                // {id, username}
  guilds: new Map(),       // guildId -> {id, name, channels: Map(channelId -> {id, name, type}), allowed}
  voice: new Map(),        // guildId -> {snapshotId, channels: Map(channelId -> Map(userId -> {userId, username}))}
  names: new Map(),        // userId -> username
  emojiUrls: new Map(),    // custom emoji id -> image URL the roster gives (demo); else Discord's CDN
  lastId: null,            // the last stream id applied (resume point)
  source: null,            // the EventSource or legacy WebSocket; never both
  reconnectDelay: RECONNECT_MIN_MS,
  reconnectTimer: null,
  resyncing: null,         // a Promise while snapshots are being refetched
  buffered: [],            // voice events that arrived during a resync
  typingSentAt: 0,
  typers: new Map(),       // userId -> timeout id
  outbox: new Map(),       // commandId -> <li>
  cooldownUntil: 0,
};

// ---------------------------------------------------------------- stream ids

/** Stream ids are fixed-width digit strings; compare by length, then text. */
function idAfter(a, b) {
  if (b == null) return true;
  if (a == null) return false;
  return a.length !== b.length ? a.length > b.length : a > b;
}

function minId(ids) {
  return ids.reduce((min, id) => (min == null || idAfter(min, id) ? id : min), null);
}

// ---------------------------------------------------------------- HTTP helpers

async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}

async function postJson(url, payload) {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(payload ?? {}),
  });
  let body = null;
  try { body = await res.json(); } catch { /* empty */ }
  return { status: res.status, headers: res.headers, body };
}

// ---------------------------------------------------------------- connection indicator

const CONNECTION_TEXT = {
  offline: 'Not connected',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  reset: 'Catching up…',
  unavailable: 'Live updates unavailable',
  evicted: 'Paused: open in too many tabs (reload to resume here)',
};

function setConnection(s, detail) {
  const el = $('connection');
  el.dataset.state = s;
  $('connection-text').textContent = detail ? `${CONNECTION_TEXT[s]} (${detail})` : CONNECTION_TEXT[s];
}

// ---------------------------------------------------------------- sign-in

async function boot() {
  wireUi();
  const roster = await getJson('/api/demo/roster').catch(() => ({ status: 0 }));
  state.demo = roster.status === 200 && roster.body && Array.isArray(roster.body.users);
  if (state.demo) {
    state.roster = roster.body;
    for (const u of roster.body.users) state.names.set(u.id, u.username);
    for (const e of roster.body.emojis ?? []) if (e?.id && typeof e.url === 'string' && e.url.startsWith('/')) state.emojiUrls.set(e.id, e.url);
    // Only demo users can sign in: the simulated people are the ones the simulator speaks as.
    const select = $('demo-user');
    select.replaceChildren(...roster.body.users.filter((u) => !u.simulated).map((u) => option(u.id, u.username)));
  }
  for (const g of state.roster?.guilds ?? []) addGuild(g.id, g.name, g.channels ?? []);

  if (state.demo) {
    // The token cookie is HttpOnly; the demo sign-in sets a readable marker beside it. Without
    // it we are signed out: ask for nothing that needs a token (no 401s on a signed-out load).
    const userId = readCookie(SIGNED_IN_COOKIE);
    if (!userId) { showSignIn(); return; }
    state.me = { id: userId, username: state.names.get(userId) ?? userId };
  } else {
    // A real deployment: the operator's login sets the cookie; one question tells who we are.
    const me = await getJson('/api/me').catch(() => ({ status: 0 }));
    if (me.status !== 200 || !me.body?.userId) { showSignIn(); return; }
    state.me = { id: me.body.userId, username: state.names.get(me.body.userId) ?? me.body.userId };
  }
  const started = await start();
  if (!started) showSignIn();
}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('=')) || null;
  }
  return null;
}

function forgetSignIn() {
  document.cookie = `${SIGNED_IN_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
}

function showSignIn() {
  stopStream();
  setConnection('offline');
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('demo-login').hidden = !state.demo;
  $('operator-login').hidden = state.demo;
  $('sign-out').hidden = true;
  $('demo-dropout').hidden = true;
  $('signed-in-as').textContent = '';
  if (state.demo) $('demo-user').focus();
}

async function signIn(event) {
  event.preventDefault();
  const userId = $('demo-user').value;
  $('sign-in-error').textContent = '';
  $('sign-in-button').disabled = true;
  try {
    const res = await postJson('/api/demo/login', { userId });
    if (res.status < 200 || res.status >= 300) {
      $('sign-in-error').textContent = res.body?.error?.message ?? `Sign-in failed (HTTP ${res.status}).`;
      return;
    }
    state.me = { id: userId, username: res.body?.user?.username ?? state.names.get(userId) ?? userId };
    if (!(await start())) $('sign-in-error').textContent = 'Signed in, but the bridge refused the session.';
  } finally {
    $('sign-in-button').disabled = false;
  }
}

async function signOut() {
  stopStream();
  if (state.demo) await postJson('/api/demo/logout', {}).catch(() => null);
  forgetSignIn();
  state.me = null;
  state.lastId = null;
  state.voice.clear();
  $('feed').replaceChildren();
  $('outbox').replaceChildren();
  state.outbox.clear();
  showSignIn();
}

// ---------------------------------------------------------------- guilds and voice snapshot

function addGuild(id, name, channels) {
  const existing = state.guilds.get(id);
  if (existing) return existing;
  const g = { id, name: name || `Server …${id.slice(-4)}`, channels: new Map(), allowed: true };
  for (const c of channels) g.channels.set(c.id, c);
  state.guilds.set(id, g);
  return g;
}

function channelName(guildId, channelId) {
  const c = state.guilds.get(guildId)?.channels.get(channelId);
  return c ? c.name : `channel …${channelId.slice(-4)}`;
}

/** Loads every readable guild's voice snapshot; returns false when the caller is not signed in. */
async function loadSnapshots() {
  const guildIds = [...state.guilds.keys()];
  const results = await Promise.all(guildIds.map((id) => getJson(`/api/guilds/${encodeURIComponent(id)}/voice`)));
  if (results.some((r) => r.status === 401)) { forgetSignIn(); return false; }
  results.forEach((r, i) => {
    const g = state.guilds.get(guildIds[i]);
    g.allowed = r.status === 200;
    if (!g.allowed) { state.voice.delete(g.id); return; }
    const channels = new Map();
    for (const [channelId, members] of Object.entries(r.body.channels ?? {})) {
      const m = new Map();
      for (const member of members) {
        m.set(member.userId, { userId: member.userId, username: member.username });
        state.names.set(member.userId, member.username);
      }
      channels.set(channelId, m);
    }
    state.voice.set(g.id, { snapshotId: r.body.streamId, channels });
  });
  renderVoice();
  return true;
}

/**
 * Applies one voice event, unless the guild's snapshot already includes it (no double). Returns
 * whether it applied a {@code voice.left} of someone who was, as shown, in that very channel.
 */
function applyVoice(ev) {
  const v = state.voice.get(ev.guildId);
  if (!v || !idAfter(ev.id, v.snapshotId)) return false;
  const d = ev.data ?? {};
  const wasThere = v.channels.get(d.channelId)?.has(d.userId) ?? false;
  if (ev.name === 'voice.joined') {
    for (const members of v.channels.values()) members.delete(d.userId);   // one voice channel at a time
    if (!v.channels.has(d.channelId)) v.channels.set(d.channelId, new Map());
    v.channels.get(d.channelId).set(d.userId, { userId: d.userId, username: d.username });
    state.names.set(d.userId, d.username);
  } else {
    v.channels.get(d.channelId)?.delete(d.userId);
  }
  renderVoice();
  return ev.name === 'voice.left' && wasThere;
}

function renderVoice() {
  const root = $('voice-guilds');
  const sections = [];
  for (const g of state.guilds.values()) {
    const v = state.voice.get(g.id);
    if (!v) continue;
    const section = el('section', { className: 'guild', dataset: { guildId: g.id, testid: `voice-guild-${g.id}` } });
    section.append(el('h3', { textContent: g.name }));
    const ids = new Set([...g.channels.values()].filter((c) => c.type === 'voice').map((c) => c.id));
    for (const id of v.channels.keys()) ids.add(id);
    if (ids.size === 0) section.append(el('p', { className: 'hint', textContent: 'No voice channels.' }));
    for (const channelId of ids) {
      const members = v.channels.get(channelId) ?? new Map();
      const box = el('div', { className: 'voice-channel', dataset: { channelId, testid: `voice-channel-${channelId}` } });
      const title = el('h4');
      title.append(speakerIcon(),
        el('span', { textContent: channelName(g.id, channelId) }),
        el('span', { className: 'count', textContent: String(members.size), ariaLabel: `${members.size} connected` }));
      box.append(title);
      const list = el('ul', { className: 'members' });
      if (members.size === 0) list.append(el('li', { className: 'empty', textContent: 'Nobody here' }));
      for (const m of members.values()) {
        const li = el('li', { className: 'member', dataset: { userId: m.userId, testid: 'voice-member' } });
        li.append(el('span', { className: 'avatar', textContent: initial(m.username), ariaHidden: 'true' }),
          el('span', { textContent: m.username ?? m.userId }));
        if (m.userId === state.me?.id) li.append(el('span', { className: 'you', textContent: 'you' }));
        list.append(li);
      }
      box.append(list);
      section.append(box);
    }
    sections.push(section);
  }
  if (sections.length === 0) sections.push(el('p', { className: 'hint', textContent: 'No servers to show yet.' }));
  root.replaceChildren(...sections);
}

// ---------------------------------------------------------------- the stream

/** Snapshot first, then the stream from the snapshot's id. Returns false when not signed in. */
async function start() {
  setConnection('connecting');
  if (!(await loadSnapshots())) return false;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  $('demo-dropout').hidden = !state.demo;
  $('signed-in-as').textContent = state.me ? `Signed in as ${state.me.username}` : 'Signed in';
  fillChannelPicker();
  const snapshotIds = [...state.voice.values()].map((v) => v.snapshotId).filter(Boolean);
  state.lastId = minId(snapshotIds);
  openStream();
  return true;
}

function openStream() {
  stopStream();
  if ('EventSource' in window) {
    openEventSource();
  } else {
    openLegacySocket();
  }
}

function stopStream() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (state.source) {
    state.source.onerror = null;
    state.source.onclose = null;
    state.source.close();
    state.source = null;
  }
}

function openEventSource() {
  const url = state.lastId ? `/api/stream?lastEventId=${encodeURIComponent(state.lastId)}` : '/api/stream';
  const es = new EventSource(url, { withCredentials: true });
  state.source = es;
  let ready = false;
  es.addEventListener('ready', (e) => {
    ready = true;
    state.reconnectDelay = RECONNECT_MIN_MS;
    const d = parse(e.data) ?? {};
    if (d.userId && !state.me) state.me = { id: d.userId, username: state.names.get(d.userId) ?? d.userId };
    if (!state.resyncing) setConnection('live');
  });
  es.addEventListener('reset', (e) => {
    if (e.lastEventId) state.lastId = e.lastEventId;
    resync();
  });
  es.addEventListener('heartbeat', () => { if (!state.resyncing) setConnection('live'); });
  es.addEventListener('commandStatus', (e) => onCommandStatus(parse(e.data)));
  es.addEventListener('evicted', () => {
    // The user opened more streams than the node allows and this one was the oldest: reconnecting
    // would end another tab's stream in turn. Stay paused until the page is reloaded.
    stopStream();
    setConnection('evicted');
  });
  for (const name of EVENT_NAMES) es.addEventListener(name, (e) => onEvent(parse(e.data), e.lastEventId));
  es.onerror = () => {
    // The browser would retry by itself with the header Last-Event-ID, but our URL still names
    // the first resume point: close and reopen from the last id we applied.
    stopStream();
    if (!ready) {
      // Never got ready: maybe the session ended. The snapshot endpoint tells 401 apart.
      getJson(`/api/guilds/${encodeURIComponent(firstGuildId())}/voice`).then((r) => {
        if (r.status === 401) { showSignIn(); return; }
        scheduleReconnect();
      }, () => scheduleReconnect());
    } else {
      scheduleReconnect();
    }
  };
}

function firstGuildId() {
  return [...state.guilds.values()].find((g) => g.allowed)?.id ?? [...state.guilds.keys()][0] ?? '0';
}

function scheduleReconnect() {
  setConnection('reconnecting');
  const delay = state.reconnectDelay;
  state.reconnectDelay = Math.min(RECONNECT_MAX_MS, state.reconnectDelay * 2);
  state.reconnectTimer = setTimeout(openStream, delay);
}

/** After a reset: buffer voice events, refetch every snapshot, replay what the snapshot lacks. */
function resync() {
  setConnection('reset');
  if (state.resyncing) return;
  state.buffered = [];
  state.resyncing = loadSnapshots().then((signedIn) => {
    const pending = state.buffered;
    state.buffered = [];
    state.resyncing = null;
    if (!signedIn) { showSignIn(); return; }
    for (const ev of pending) if (applyVoice(ev) && ev.data?.userId === state.me?.id) onOwnVoiceLeft(ev);
    if (state.source) setConnection('live');
  }, () => {
    state.resyncing = null;
    scheduleReconnect();
  });
}

function onEvent(ev, streamId) {
  if (!ev) return;
  const id = ev.id ?? streamId;
  if (id && state.lastId && !idAfter(id, state.lastId) && ev.name !== 'typingStart') return;   // already applied
  if (id && ev.name !== 'typingStart') state.lastId = id;
  ev.id = id;
  if (ev.name === 'voice.joined' || ev.name === 'voice.left') {
    // Own dropouts count only when the page showed us in that channel (a stray or replayed
    // voice.left for a channel we were not in opens no dialog).
    if (state.resyncing) state.buffered.push(ev);
    else if (applyVoice(ev) && ev.data?.userId === state.me?.id) onOwnVoiceLeft(ev);
  }
  if (ev.name === 'messageCreate' && ev.data?.author) state.names.set(ev.data.author.id, ev.data.author.username);
  if (ev.name === 'typingStart') { showTyping(ev); return; }
  addToFeed(ev);
}

function parse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// ---------------------------------------------------------------- legacy socket (old browsers only)

/**
 * Only for browsers without EventSource, and only while the operator keeps the legacy bridge on.
 * It carries voice events only, without stream ids, so the snapshot is reloaded on every reconnect.
 */
function openLegacySocket() {
  if (!('WebSocket' in window)) { setConnection('unavailable'); return; }
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/api/ws`);
  state.source = ws;
  let opened = false;
  const awaiting = new Set();   // guilds subscribed to, not yet confirmed by `subscribed`
  ws.onopen = () => {
    opened = true;
    for (const g of state.guilds.values()) {
      if (!g.allowed) continue;
      awaiting.add(g.id);
      ws.send(JSON.stringify({ type: 'subscribe', guildId: g.id }));
    }
    // Live only once the bridge confirmed every subscription: events before that are not sent to us.
    if (awaiting.size === 0) setConnection('live', 'compatibility mode');
  };
  ws.onmessage = (m) => {
    const f = parse(m.data);
    if (f && (f.type === 'subscribed' || f.type === 'error') && awaiting.size > 0) {
      if (f.type === 'subscribed') awaiting.delete(f.guildId);
      else awaiting.delete(awaiting.values().next().value);   // a refused subscription: do not wait for it
      if (awaiting.size === 0) setConnection('live', 'compatibility mode');
      return;
    }
    if (!f || (f.type !== 'voice.joined' && f.type !== 'voice.left')) return;
    const ev = { id: null, name: f.type, guildId: f.guildId, channelId: f.channelId, occurredAt: f.at,
      data: { userId: f.userId, username: f.username, channelId: f.channelId, reason: f.reason } };
    const v = state.voice.get(f.guildId);
    if (v) v.snapshotId = null;   // legacy frames carry no stream id: apply every one
    onEvent(ev, null);
  };
  ws.onclose = () => {
    if (state.source !== ws) return;
    state.source = null;
    if (!opened) { setConnection('unavailable', 'this browser lacks EventSource'); return; }
    setConnection('reconnecting');
    state.reconnectTimer = setTimeout(() => loadSnapshots().then(() => openLegacySocket()), state.reconnectDelay);
  };
}

// ---------------------------------------------------------------- feed

function addToFeed(ev) {
  const feed = $('feed');
  const d = ev.data ?? {};
  const li = el('li', { className: `item ${ev.name.replace('.', '-')}`, dataset: { eventName: ev.name, streamId: ev.id ?? '' } });
  const time = el('time', { textContent: when(ev.occurredAt), dateTime: ev.occurredAt ?? '', title: fullTime(ev.occurredAt) });
  const voice = ev.name.startsWith('voice.');
  const where = el('span', { className: 'where', textContent: voice ? `${guildName(ev.guildId)} · voice` : `${guildName(ev.guildId)} · ${channelLabel(ev)}` });
  const body = el('div', { className: 'body' });
  switch (ev.name) {
    case 'messageCreate': {
      li.dataset.messageId = d.messageId;
      li.dataset.testid = 'feed-message';
      body.append(el('strong', { textContent: d.author?.username ?? 'someone' }), el('span', { className: 'content', textContent: d.content ?? '' }));
      const react = el('button', { type: 'button', className: 'react', textContent: `${REACTION.name} React`,
        ariaLabel: `React with a thumbs up to ${d.author?.username ?? 'this message'}`, dataset: { testid: 'react' } });
      react.addEventListener('click', () => sendCommand('addReaction',
        { guildId: ev.guildId, channelId: ev.channelId, messageId: d.messageId, emoji: REACTION }, `${REACTION.name} on a message`));
      body.append(react, el('span', { className: 'reactions', dataset: { testid: 'reactions' } }));
      break;
    }
    case 'reactionAdd': {
      li.dataset.testid = 'feed-reaction';
      body.append(el('span', { textContent: `${nameOf(d.userId)} reacted` }), emoji(d.emoji));
      const target = feed.querySelector(`li[data-message-id="${CSS.escape(d.messageId ?? '')}"] .reactions`);
      if (target) target.append(emoji(d.emoji));
      break;
    }
    case 'voice.joined':
      li.dataset.testid = 'feed-voice';
      body.append(el('span', { textContent: `${d.username ?? nameOf(d.userId)} joined ${channelName(ev.guildId, d.channelId)}` }));
      break;
    case 'voice.left':
      li.dataset.testid = 'feed-voice';
      body.append(el('span', { textContent: `${nameOf(d.userId)} ${LEFT_TEXT[d.reason] ?? 'left'} ${channelName(ev.guildId, d.channelId)}` }));
      break;
    default:
      body.append(el('span', { textContent: ev.name }));
  }
  li.append(time, where, body);
  feed.prepend(li);
  while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
}

const LEFT_TEXT = {
  left: 'left',
  disconnected: 'lost the connection to',
  moved: 'was moved out of',
  kicked: 'was removed from',
};

function showTyping(ev) {
  const userId = ev.data?.userId;
  if (!userId || userId === state.me?.id) return;
  clearTimeout(state.typers.get(userId));
  state.typers.set(userId, setTimeout(() => { state.typers.delete(userId); renderTyping(); }, TYPING_SHOWN_MS));
  renderTyping();
}

function renderTyping() {
  const names = [...state.typers.keys()].map(nameOf);
  $('typing').textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, 3).join(', ')} are typing…`;
}

// ---------------------------------------------------------------- own voice: the dropout modal

function onOwnVoiceLeft(ev) {
  const reason = ev.data?.reason;
  const where = channelName(ev.guildId, ev.data?.channelId);
  if (reason === 'disconnected') {
    openDropout(ev.guildId, ev.data?.channelId, where, ev.occurredAt);
  } else if (reason === 'moved' || reason === 'kicked') {
    // Not a dropout: a moderator's decision. Say so, without the rejoin offer.
    setComposerStatus(reason === 'moved' ? `You were moved out of ${where} by a moderator.`
      : `A moderator removed you from ${where}.`, 'info');
  }
}

function openDropout(guildId, channelId, where, at) {
  const dialog = $('dropout-modal');
  $('dropout-text').textContent = `Your voice connection to ${where} in ${guildName(guildId)} was lost `
    + `at ${when(at)} (your network or Discord closed it). You are no longer in the channel.`;
  dialog.dataset.guildId = guildId ?? '';
  dialog.dataset.channelId = channelId ?? '';
  if (!dialog.open) dialog.showModal();
  $('dropout-rejoin').focus();
}

/** Demo mode: ask the simulated hub to put us in a voice channel, then drop that connection. */
async function demoDropout() {
  const button = $('demo-dropout');
  button.disabled = true;
  try {
    const res = await postJson('/api/demo/dropout', {});
    if (res.status === 401) { showSignIn(); return; }
    if (res.status !== 202) {
      setComposerStatus(res.body?.error?.message ?? `The demo dropout failed (HTTP ${res.status}).`, 'error');
      return;
    }
    const { guildId, channelId } = res.body;
    setComposerStatus(`Demo: you ${res.body.joined ? 'joined' : 'are in'} ${channelName(guildId, channelId)} `
      + `in ${guildName(guildId)}; the connection drops in a moment.`, 'info');
  } catch {
    setComposerStatus('The bridge could not be reached. Check your connection and try again.', 'error');
  } finally {
    setTimeout(() => { button.disabled = false; }, 2000);
  }
}

function rejoin() {
  const dialog = $('dropout-modal');
  const { guildId, channelId } = dialog.dataset;
  dialog.close('rejoin');
  if (state.demo) {
    setComposerStatus('Demo: there is no real Discord to rejoin. In a real deployment, rejoin from your Discord app.', 'info');
  } else {
    window.open(`https://discord.com/channels/${encodeURIComponent(guildId)}/${encodeURIComponent(channelId)}`, '_blank', 'noopener');
  }
}

// ---------------------------------------------------------------- composer and commands

function fillChannelPicker() {
  const select = $('composer-channel');
  const previous = select.value;
  const options = [];
  for (const g of state.guilds.values()) {
    if (!g.allowed) continue;
    const group = el('optgroup', { label: g.name });
    for (const c of g.channels.values()) {
      if (c.type !== 'text') continue;
      group.append(option(`${g.id}/${c.id}`, `# ${c.name}`));
    }
    if (group.children.length) options.push(group);
  }
  select.replaceChildren(...options);
  if (previous) select.value = previous;
}

function selectedChannel() {
  const [guildId, channelId] = ($('composer-channel').value || '/').split('/');
  return { guildId, channelId };
}

async function onSubmit(event) {
  event.preventDefault();
  const content = $('composer-text').value;
  if (!content.trim()) {
    setComposerStatus('Write something first.', 'error');
    $('composer-text').focus();
    return;
  }
  const ok = await sendCommand('sendMessage', { ...selectedChannel(), content }, preview(content));
  if (ok) {
    $('composer-text').value = '';
    updateCount();
  }
}

function onInput() {
  updateCount();
  const now = Date.now();
  if (now - state.typingSentAt < TYPING_THROTTLE_MS || !$('composer-text').value.trim()) return;
  state.typingSentAt = now;
  const { guildId, channelId } = selectedChannel();
  if (guildId && channelId) postJson('/api/commands/typingStart', { guildId, channelId }).catch(() => null);
}

function updateCount() {
  $('composer-count').textContent = `${$('composer-text').value.length} / 2000`;
}

/** Posts a command and tells the user, humanely, what happened. Returns true when accepted. */
async function sendCommand(name, payload, label) {
  const wait = state.cooldownUntil - Date.now();
  if (wait > 0) {
    setComposerStatus(`Please wait ${seconds(wait)} before sending again.`, 'error');
    return false;
  }
  clearFieldErrors();
  let res;
  try {
    res = await postJson(`/api/commands/${name}`, payload);
  } catch {
    setComposerStatus('The bridge could not be reached. Check your connection and try again.', 'error');
    return false;
  }
  const err = res.body?.error ?? {};
  switch (res.status) {
    case 200:
      track(res.body.commandId, label, 'delivered');
      setComposerStatus('Delivered to Discord.', 'ok');
      return true;
    case 202:
      track(res.body.commandId, label, 'queued');
      setComposerStatus('Queued: Discord is not reachable right now; it will be delivered when the link is back.', 'info');
      return true;
    case 400:
      setComposerStatus(err.message ?? 'That request was not valid.', 'error');
      showFieldErrors(err.fields ?? []);
      return false;
    case 401:
      setComposerStatus('Your session has ended. Please sign in again.', 'error');
      showSignIn();
      return false;
    case 403:
      setComposerStatus(err.message ?? 'You are not allowed to post in that server.', 'error');
      return false;
    case 429: {
      const ms = retryMs(res, err);
      cooldown(ms);
      const who = err.scope === 'channel' ? 'This channel is receiving too many messages'
        : 'You are sending too fast';
      setComposerStatus(`${who}. Try again in ${seconds(ms)}.`, 'error', { scope: err.scope ?? 'user' });
      return false;
    }
    case 503: {
      const ms = retryMs(res, err);
      cooldown(ms);
      setComposerStatus(`The bridge's outgoing queue is full. Nothing was sent; try again in ${seconds(ms)}.`, 'error');
      return false;
    }
    case 502:
      setComposerStatus(`Discord refused it: ${err.message ?? 'no reason given'}.`, 'error');
      return false;
    case 413:
      setComposerStatus('That is too large to send.', 'error');
      return false;
    default:
      setComposerStatus(err.message ?? `Something went wrong (HTTP ${res.status}). Try again.`, 'error');
      return false;
  }
}

function retryMs(res, err) {
  if (Number.isFinite(err.retryAfterMs)) return err.retryAfterMs;
  const header = Number(res.headers.get('Retry-After'));
  return Number.isFinite(header) && header > 0 ? header * 1000 : 1000;
}

function cooldown(ms) {
  state.cooldownUntil = Date.now() + ms;
  const button = $('composer-send');
  button.disabled = true;
  setTimeout(() => { button.disabled = false; }, ms);
}

function track(commandId, label, status) {
  if (!commandId) return;
  let li = state.outbox.get(commandId);
  if (!li) {
    li = el('li', { dataset: { commandId, testid: 'outbox-item' } });
    li.append(el('span', { className: 'label', textContent: label }), el('span', { className: 'badge' }));
    state.outbox.set(commandId, li);
    $('outbox').prepend(li);
    while ($('outbox').children.length > 20) {
      const last = $('outbox').lastElementChild;
      state.outbox.delete(last.dataset.commandId);
      last.remove();
    }
  }
  setStatus(li, status);
}

const STATUS_TEXT = { queued: 'queued', sent: 'sent', retrying: 'retrying', delivered: 'delivered', rejected: 'rejected', failed: 'failed' };
const STATUS_ORDER = { queued: 0, sent: 1, retrying: 1, delivered: 2, rejected: 2, failed: 2 };

function setStatus(li, status) {
  const current = li.dataset.status;
  if (current && STATUS_ORDER[current] > (STATUS_ORDER[status] ?? 0)) return;   // never go back from final
  li.dataset.status = status;
  li.querySelector('.badge').textContent = STATUS_TEXT[status] ?? status;
}

function onCommandStatus(message) {
  const s = message?.commandId ? message : message?.data;
  if (!s?.commandId) return;
  const li = state.outbox.get(s.commandId);
  if (!li) return;   // typing indicators and commands from other tabs are not listed
  setStatus(li, s.status);
  if (s.status === 'rejected' || s.status === 'failed') {
    li.title = s.error?.message ?? '';
    setComposerStatus(`Not delivered: ${s.error?.message ?? s.status}.`, 'error');
  }
}

function setComposerStatus(text, kind, extra = {}) {
  const box = $('composer-status');
  box.textContent = text;
  box.dataset.kind = kind;
  if (extra.scope) box.dataset.scope = extra.scope; else delete box.dataset.scope;
}

function showFieldErrors(fields) {
  $('composer-fields').replaceChildren(...fields.map((f) =>
    el('li', { textContent: `${fieldLabel(f.field)}: ${f.message}` })));
}

function clearFieldErrors() {
  $('composer-fields').replaceChildren();
}

function fieldLabel(field) {
  return { content: 'Message', channelId: 'Channel', guildId: 'Server' }[field] ?? field;
}

// ---------------------------------------------------------------- small helpers

function el(tag, props = {}) {
  const node = document.createElement(tag);
  const { dataset, ariaHidden, ariaLabel, ...rest } = props;
  Object.assign(node, rest);
  if (dataset) for (const [k, v] of Object.entries(dataset)) if (v != null) node.dataset[k] = v;
  if (ariaHidden) node.setAttribute('aria-hidden', ariaHidden);
  if (ariaLabel) node.setAttribute('aria-label', ariaLabel);
  return node;
}

/** A small speaker glyph (SVG: no emoji font needed). */
function speakerIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M2 6h3l4-3v10l-4-3H2z M11 5.5a3.5 3.5 0 0 1 0 5 M12.5 3.5a6 6 0 0 1 0 9');
  svg.append(path);
  return svg;
}

function option(value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function nameOf(userId) {
  return state.names.get(userId) ?? `user …${String(userId ?? '').slice(-4)}`;
}

function guildName(guildId) {
  return state.guilds.get(guildId)?.name ?? `server …${String(guildId ?? '').slice(-4)}`;
}

function channelLabel(ev) {
  const c = state.guilds.get(ev.guildId)?.channels.get(ev.channelId);
  return c ? (c.type === 'voice' ? `voice: ${c.name}` : `#${c.name}`) : `#…${String(ev.channelId ?? '').slice(-4)}`;
}

function initial(name) {
  return (name ?? '?').trim().charAt(0).toUpperCase() || '?';
}

/** The time of day, with the date in front when it is not today (and the year when not this year). */
function when(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return time;
  const date = d.toLocaleDateString([], d.getFullYear() === now.getFullYear()
    ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
  return `${date}, ${time}`;
}

function fullTime(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString() : '';
}

/**
 * An emoji as Discord shows it: a custom one (it has an id) is its image, with the name as alt
 * text (and as text should the image not load); a Unicode one is itself.
 */
function emoji(e) {
  const name = e?.name ?? '';
  if (!e?.id || !/^[0-9]{1,20}$/.test(e.id)) return el('span', { className: 'emoji', textContent: name });
  const src = state.emojiUrls.get(e.id) ?? `${EMOJI_CDN}${e.id}.webp?size=48&quality=lossless`;
  const img = el('img', { className: 'emoji custom', src,
    alt: `:${name}:`, title: `:${name}:`, width: 20, height: 20, loading: 'lazy', decoding: 'async', draggable: false });
  img.dataset.emojiId = e.id;
  img.addEventListener('error', () => img.replaceWith(el('span', { className: 'emoji', textContent: `:${name}:`,
    title: 'custom emoji (its image could not be loaded)', dataset: { emojiId: e.id } })), { once: true });
  return img;
}

function seconds(ms) {
  const s = Math.max(0.1, ms / 1000);
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.ceil(s)} s`;
}

function preview(text) {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > 60 ? `“${t.slice(0, 57)}…”` : `“${t}”`;
}

function wireUi() {
  $('demo-login').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('composer').addEventListener('submit', onSubmit);
  $('composer-text').addEventListener('input', onInput);
  $('composer-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  $('dropout-rejoin').addEventListener('click', rejoin);
  $('demo-dropout').addEventListener('click', demoDropout);
  $('dropout-dismiss').addEventListener('click', () => $('dropout-modal').close('dismiss'));
  // Escape closes a modal <dialog> by itself (a 'cancel' event); nothing else to undo.
}

boot();
