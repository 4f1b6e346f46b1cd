// The bridge's page: voice presence, a live feed and a composer. The stream, its resume and
// resets, the voice snapshot, commands and their outcomes are the browser client's
// (/client/bridge-client.js, clients/js in the repository); this file only shows them. Every piece
// of data from the network is written with textContent (never innerHTML).
import { createBridgeClient } from './client/bridge-client.js';
import { legacyVoice } from './legacy-socket.js';

const FEED_LIMIT = 200;
const TYPING_THROTTLE_MS = 8000;
const TYPING_SHOWN_MS = 10000;
const HEALTH_POLL_MS = 15000;
const REACTION = { name: '👍', id: null };
const SIGNED_IN_COOKIE = 'bridge_demo_user';   // demo mode: set beside the HttpOnly token, readable
const EMOJI_CDN = 'https://cdn.discordapp.com/emojis/';

const $ = (id) => document.getElementById(id);

const state = {
  demo: false,
  me: null,                // {id, username}
  guilds: new Map(),       // guildId -> {id, name, channels: Map(channelId -> {id, name, type}), allowed}
  names: new Map(),        // userId -> username
  emojiUrls: new Map(),    // custom emoji id -> image URL the roster gives (demo); else Discord's CDN
  bridge: null,            // the client, while signed in
  voice: null,             // its voice presence tracker
  legacy: null,            // voice over the legacy socket (browsers without EventSource only)
  healthTimer: null,
  typingSentAt: 0,
  typers: new Map(),       // userId -> timeout id
};

async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return { status: res.status, body };
}

async function postJson(url, payload) {
  const res = await fetch(url, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(payload ?? {}) });
  let body = null;
  try { body = await res.json(); } catch { /* empty */ }
  return { status: res.status, body };
}

// ---------------------------------------------------------------- connection indicator

const CONNECTION_TEXT = {
  offline: 'Not connected',
  idle: 'Connecting…',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  evicted: 'Paused: open in too many tabs or devices (reload to resume here)',
  up: 'Bridge up: sign in for live updates',
  down: 'Discord link down',
  unreachable: 'Bridge unreachable',
  unavailable: 'Live updates unavailable',
};

function setConnection(s, detail) {
  $('connection').dataset.state = s;
  $('connection-text').textContent = detail ? `${CONNECTION_TEXT[s]} (${detail})` : CONNECTION_TEXT[s];
}

/** Signed out there is no stream: the header tells the bridge's real state, from /health/ready. */
async function showBridgeHealth() {
  clearTimeout(state.healthTimer);
  let s = 'unreachable';
  let detail;
  try {
    const res = await fetch('/health/ready', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    const body = await res.json().catch(() => null);
    const down = (body?.checks ?? []).find((c) => c.status === 'DOWN');
    s = res.status === 200 ? 'up' : 'down';
    detail = res.status === 200 ? undefined : down?.data?.reason ?? down?.id;
  } catch { /* unreachable */ }
  if (state.bridge || state.legacy) return;   // signed in meanwhile
  setConnection(s, detail);
  state.healthTimer = setTimeout(showBridgeHealth, HEALTH_POLL_MS);
}

// ---------------------------------------------------------------- sign-in

async function boot() {
  wireUi();
  const roster = await getJson('/api/demo/roster').catch(() => ({ status: 0 }));
  state.demo = roster.status === 200 && Array.isArray(roster.body?.users);
  if (state.demo) {
    for (const u of roster.body.users) state.names.set(u.id, u.username);
    for (const e of roster.body.emojis ?? []) if (e?.id && typeof e.url === 'string' && e.url.startsWith('/')) state.emojiUrls.set(e.id, e.url);
    for (const g of roster.body.guilds ?? []) addGuild(g.id, g.name, g.channels ?? []);
    // Only demo users can sign in: the simulated people are the ones the simulator speaks as.
    $('demo-user').replaceChildren(...roster.body.users.filter((u) => !u.simulated).map((u) => option(u.id, u.username)));
    // The token cookie is HttpOnly; the demo sign-in sets a readable marker beside it. Without
    // it we are signed out: ask for nothing that needs a token (no 401s on a signed-out load).
    const userId = readCookie(SIGNED_IN_COOKIE);
    if (!userId) { showSignIn(); return; }
    state.me = { id: userId, username: state.names.get(userId) ?? userId };
  } else {
    // A real deployment: the operator's login sets the cookie; one question tells who we are.
    const me = await getJson('/api/me').catch(() => ({ status: 0 }));
    if (me.status !== 200 || !me.body?.userId) { showSignIn(); return; }
    state.me = { id: me.body.userId, username: me.body.displayName ?? me.body.username ?? me.body.userId };
    for (const id of me.body.guilds ?? []) addGuild(id, null, []);
  }
  if (!(await start())) showSignIn();
}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('=')) || null;
  }
  return null;
}

function showSignIn() {
  stopStream();
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('demo-login').hidden = !state.demo;
  $('operator-login').hidden = state.demo;
  $('sign-out').hidden = true;
  $('demo-dropout').hidden = true;
  $('signed-in-as').textContent = '';
  showBridgeHealth();
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
  document.cookie = `${SIGNED_IN_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
  sessionStorage.removeItem('bridge-client:lastEventId');
  state.me = null;
  for (const id of ['feed', 'outbox']) $(id).replaceChildren();
  showSignIn();
}

// ---------------------------------------------------------------- the stream, through the client

/** Voice snapshots first, then the stream from them (the client pairs them). False when not signed in. */
async function start() {
  clearTimeout(state.healthTimer);
  setConnection('connecting');
  if (!('EventSource' in window)) return startLegacy();   // old browsers: voice only, over /api/ws
  const bridge = createBridgeClient({ shareTabs: true });
  state.bridge = bridge;
  state.voice = bridge.voicePresence([...state.guilds.keys()], onVoice);
  bridge.onState((s) => {
    if (s === 'unauthenticated') { showSignIn(); return; }
    if (CONNECTION_TEXT[s] && state.bridge === bridge) setConnection(s);
  });
  for (const name of ['messageCreate', 'reactionAdd', 'voice.joined', 'voice.left']) bridge.on(name, addToFeed);
  bridge.on('messageCreate', (ev) => { if (ev.data?.author) state.names.set(ev.data.author.id, ev.data.author.displayName ?? ev.data.author.username); });
  bridge.on('messageUpdate', onMessageUpdate);
  bridge.on('messageDelete', onMessageDelete);
  bridge.on('reactionRemove', onReactionRemove);
  bridge.on('typingStart', showTyping);
  try {
    await bridge.start();
  } catch (err) {
    if (err?.code === 'UNAUTHENTICATED') { stopStream(); return false; }
    throw err;
  }
  showWorkspace();
  return true;
}

function stopStream() {
  state.bridge?.stop();
  state.bridge = null;
  state.voice = null;
  state.legacy?.stop();
  state.legacy = null;
}

async function startLegacy() {
  const legacy = legacyVoice({ guildIds: [...state.guilds.keys()], onState: setConnection,
    onVoice: (presence, ev, wasThere) => { onVoice(presence, ev, wasThere); if (ev) addToFeed(ev); } });
  state.legacy = legacy;
  state.voice = legacy.presence;
  if (!(await legacy.start())) { stopStream(); return false; }
  showWorkspace();
  return true;
}

function showWorkspace() {
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  $('demo-dropout').hidden = !state.demo;
  $('signed-in-as').textContent = state.me ? `Signed in as ${state.me.username}` : 'Signed in';
  fillChannelPicker();
}

/** Each snapshot load and each voice event applied; a voice.left of mine from where I was shown is mine to report. */
function onVoice(presence, ev, wasThere) {
  for (const g of state.guilds.values()) g.allowed = !presence.error(g.id);
  for (const id of presence.guilds()) for (const members of presence.channels(id).values()) {
    for (const m of members.values()) if (m.username) state.names.set(m.userId, m.username);
  }
  renderVoice();
  if (ev?.name === 'voice.left' && wasThere && ev.data?.userId === state.me?.id) onOwnVoiceLeft(ev);
}

function addGuild(id, name, channels) {
  if (state.guilds.has(id)) return;
  const g = { id, name: name || `Server …${id.slice(-4)}`, channels: new Map(), allowed: true };
  for (const c of channels) g.channels.set(c.id, c);
  state.guilds.set(id, g);
}

function channelName(guildId, channelId) {
  const c = state.guilds.get(guildId)?.channels.get(channelId);
  return c ? c.name : `channel …${String(channelId ?? '').slice(-4)}`;
}

function renderVoice() {
  const sections = [];
  for (const g of state.guilds.values()) {
    if (!g.allowed || !state.voice) continue;
    const channels = state.voice.channels(g.id);
    const section = el('section', { className: 'guild', dataset: { guildId: g.id, testid: `voice-guild-${g.id}` } });
    section.append(el('h3', { textContent: g.name }));
    const ids = new Set([...g.channels.values()].filter((c) => c.type === 'voice').map((c) => c.id));
    for (const id of channels.keys()) ids.add(id);
    if (ids.size === 0) section.append(el('p', { className: 'hint', textContent: 'No voice channels.' }));
    for (const channelId of ids) {
      const members = channels.get(channelId) ?? new Map();
      const box = el('div', { className: 'voice-channel', dataset: { channelId, testid: `voice-channel-${channelId}` } });
      const title = el('h4');
      title.append(speakerIcon(), el('span', { textContent: channelName(g.id, channelId) }),
        el('span', { className: 'count', textContent: String(members.size), ariaLabel: `${members.size} connected` }));
      const list = el('ul', { className: 'members' });
      if (members.size === 0) list.append(el('li', { className: 'empty', textContent: 'Nobody here' }));
      for (const m of members.values()) {
        const name = m.displayName ?? m.username ?? state.names.get(m.userId) ?? m.userId;
        const li = el('li', { className: 'member', dataset: { userId: m.userId, testid: 'voice-member' } });
        li.append(avatar(name, m.avatarUrl), el('span', { textContent: name }));
        if (m.userId === state.me?.id) li.append(el('span', { className: 'you', textContent: 'you' }));
        list.append(li);
      }
      box.append(title, list);
      section.append(box);
    }
    sections.push(section);
  }
  if (sections.length === 0) sections.push(el('p', { className: 'hint', textContent: 'No servers to show yet.' }));
  $('voice-guilds').replaceChildren(...sections);
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
      const author = d.author?.displayName ?? d.author?.username ?? 'someone';
      body.append(avatar(author, d.author?.avatarUrl), el('strong', { textContent: author, title: d.author?.username ?? '' }),
        el('span', { className: 'content', textContent: d.content ?? '' }));
      const react = el('button', { type: 'button', className: 'react', textContent: `${REACTION.name} React`,
        ariaLabel: `React with a thumbs up to ${author}`, dataset: { testid: 'react' } });
      react.addEventListener('click', () => send('addReaction',
        { guildId: ev.guildId, channelId: ev.channelId, messageId: d.messageId, emoji: REACTION }, `${REACTION.name} on a message`));
      body.append(react, el('span', { className: 'reactions', dataset: { testid: 'reactions' } }));
      break;
    }
    case 'reactionAdd': {
      li.dataset.testid = 'feed-reaction';
      body.append(el('span', { textContent: `${d.displayName ?? nameOf(d.userId)} reacted` }), emoji(d.emoji));
      const target = feed.querySelector(`li[data-message-id="${CSS.escape(d.messageId ?? '')}"] .reactions`);
      if (target) target.append(reactionOf(d, emoji(d.emoji)));
      break;
    }
    case 'voice.joined':
      li.dataset.testid = 'feed-voice';
      body.append(el('span', { textContent: `${d.displayName ?? d.username ?? nameOf(d.userId)} joined ${channelName(ev.guildId, d.channelId)}` }));
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

/** The feed's entry of a message, or null when it is not (or no longer) shown. */
function feedMessage(messageId) {
  return $('feed').querySelector(`li[data-message-id="${CSS.escape(messageId ?? '')}"]`);
}

/** An edit in Discord: the new text, marked "(edited)". */
function onMessageUpdate(ev) {
  const li = feedMessage(ev.data?.messageId);
  if (!li) return;
  if (typeof ev.data.content === 'string') li.querySelector('.content').textContent = ev.data.content;
  if (!li.querySelector('.edited')) {
    li.querySelector('.content').after(el('span', { className: 'edited', textContent: ' (edited)',
      title: fullTime(ev.data.editedAt ?? ev.occurredAt), dataset: { testid: 'edited' } }));
  }
}

/** A deletion in Discord: the message leaves the page. */
function onMessageDelete(ev) {
  feedMessage(ev.data?.messageId)?.remove();
}

/** A reaction taken back: one of that user's emoji leaves the message. */
function onReactionRemove(ev) {
  const d = ev.data ?? {};
  const box = feedMessage(d.messageId)?.querySelector('.reactions');
  if (!box) return;
  const mine = [...box.children].find((c) => c.dataset.userId === d.userId && c.dataset.emojiKey === emojiKey(d.emoji));
  mine?.remove();
}

function emojiKey(e) {
  return `${e?.id ?? ''}:${e?.name ?? ''}`;
}

function reactionOf(d, node) {
  node.dataset.userId = d.userId ?? '';
  node.dataset.emojiKey = emojiKey(d.emoji);
  return node;
}

/** The person's picture from Discord's CDN where known, else their initial. */
function avatar(name, url) {
  if (typeof url === 'string' && url.startsWith('https://cdn.discordapp.com/')) {
    return el('img', { className: 'avatar', src: url, alt: '', width: 24, height: 24, loading: 'lazy', decoding: 'async',
      draggable: false, dataset: { testid: 'avatar' } });
  }
  return el('span', { className: 'avatar', textContent: initial(name), ariaHidden: 'true' });
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
    setVoiceStatus(reason === 'moved' ? `You were moved out of ${where} by a moderator.`
      : `A moderator removed you from ${where}.`, 'info');
  }
}

function openDropout(guildId, channelId, where, at) {
  const dialog = $('dropout-modal');
  $('dropout-text').textContent = `Your voice connection to ${where} in ${guildName(guildId)} was lost `
    + `at ${when(at)} (your network or Discord closed it). You are no longer in the channel.`;
  dialog.dataset.guildId = guildId ?? '';
  dialog.dataset.channelId = channelId ?? '';
  setVoiceStatus('', 'info');   // "drops in a moment" has happened
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
      setVoiceStatus(res.body?.error?.message ?? `The demo dropout failed (HTTP ${res.status}).`, 'error');
      return;
    }
    const { guildId, channelId } = res.body;
    setVoiceStatus(`Demo: you ${res.body.joined ? 'joined' : 'are in'} ${channelName(guildId, channelId)} `
      + `in ${guildName(guildId)}; the connection drops in a moment.`, 'info');
  } catch {
    setVoiceStatus('The bridge could not be reached. Check your connection and try again.', 'error');
  } finally {
    setTimeout(() => { button.disabled = false; }, 2000);
  }
}

/** The voice column's own status line, right under the dropout button (not the composer's). */
function setVoiceStatus(text, kind) {
  const box = $('voice-status');
  box.textContent = text;
  box.dataset.kind = kind;
}

function rejoin() {
  const dialog = $('dropout-modal');
  const { guildId, channelId } = dialog.dataset;
  dialog.close('rejoin');
  if (state.demo) {
    setVoiceStatus('Demo: there is no real Discord to rejoin. In a real deployment, rejoin from your Discord app.', 'info');
  } else {
    window.open(`https://discord.com/channels/${encodeURIComponent(guildId)}/${encodeURIComponent(channelId)}`, '_blank', 'noopener');
  }
}

// ---------------------------------------------------------------- composer and commands

/** "#general · Night Owls": a closed <select> shows only the option, never its group. */
function fillChannelPicker() {
  const select = $('composer-channel');
  const previous = select.value;
  const options = [];
  for (const g of state.guilds.values()) {
    if (!g.allowed) continue;
    const group = el('optgroup', { label: g.name });
    for (const c of g.channels.values()) if (c.type === 'text') group.append(option(`${g.id}/${c.id}`, `#${c.name} · ${g.name}`));
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
  const target = selectedChannel();
  $('composer-text').value = '';
  updateCount();
  if (!(await send('sendMessage', { ...target, content }, preview(content)))) {
    if (!$('composer-text').value) { $('composer-text').value = content; updateCount(); }   // not sent: give it back
  }
}

function onInput() {
  updateCount();
  const now = Date.now();
  if (now - state.typingSentAt < TYPING_THROTTLE_MS || !$('composer-text').value.trim()) return;
  state.typingSentAt = now;
  const { guildId, channelId } = selectedChannel();
  if (guildId && channelId) state.bridge?.typingStart({ guildId, channelId }, { timeoutMs: 30000 }).catch(() => null);
}

function updateCount() {
  $('composer-count').textContent = `${$('composer-text').value.length} / 2000`;
}

/** Sends a command through the client, lists it under "Sent by you" with where it went, says what happened. */
async function send(name, payload, label) {
  if (!state.bridge) { setComposerStatus('Sending needs a browser with EventSource.', 'error'); return false; }
  clearFieldErrors();
  const li = track(label, payload);
  try {
    await state.bridge.command(name, payload, {
      onStatus: (s) => { setStatus(li, s.status); if (s.status === 'queued') setComposerStatus('Queued: Discord is not reachable right now; it will be delivered when the link is back.', 'info'); },
      onRetry: (err, ms) => setComposerStatus(err.code === 'RATE_LIMITED'
        ? `${err.scope === 'channel' ? 'This channel is receiving too many messages' : 'You are sending too fast'}: it goes in ${seconds(ms)}.`
        : `The bridge is busy: trying again in ${seconds(ms)}.`, 'info', { scope: err.scope }),
    });
    setStatus(li, 'delivered');
    setComposerStatus('Delivered to Discord.', 'ok');
    return true;
  } catch (err) {
    setStatus(li, err.code === 'UPSTREAM_REJECTED' ? 'rejected' : 'failed');
    li.title = err.message;
    if (err.code === 'UNAUTHENTICATED') { setComposerStatus('Your session has ended. Please sign in again.', 'error'); showSignIn(); return false; }
    if (err.code === 'VALIDATION_FAILED') showFieldErrors(err.fields);
    setComposerStatus(ERROR_TEXT[err.code]?.(err) ?? err.message ?? 'Something went wrong. Try again.', 'error', { scope: err.scope });
    return false;
  }
}

const ERROR_TEXT = {
  VALIDATION_FAILED: (e) => e.message || 'That request was not valid.',
  FORBIDDEN: (e) => e.message || 'You are not allowed to post there.',
  RATE_LIMITED: (e) => `${e.scope === 'channel' ? 'This channel is receiving too many messages' : 'You are sending too fast'}. Try again in ${seconds(e.retryAfterMs ?? 1000)}.`,
  QUEUE_SATURATED: (e) => `The bridge's outgoing queue is full. Nothing was sent; try again in ${seconds(e.retryAfterMs ?? 1000)}.`,
  UPSTREAM_REJECTED: (e) => `Not delivered: Discord refused it (${e.message}).`,
  COMMAND_FAILED: (e) => `Not delivered: ${e.message}.`,
  PAYLOAD_TOO_LARGE: () => 'That is too large to send.',
  NETWORK: () => 'The bridge could not be reached. Check your connection and try again.',
};

function track(label, payload) {
  const li = el('li', { dataset: { testid: 'outbox-item' } });
  const where = `#${channelName(payload.guildId, payload.channelId)} · ${guildName(payload.guildId)}`;
  li.append(el('span', { className: 'label', textContent: label }), el('span', { className: 'to', textContent: where }),
    el('span', { className: 'badge' }));
  setStatus(li, 'sending');
  $('outbox').prepend(li);
  while ($('outbox').children.length > 20) $('outbox').lastElementChild.remove();
  return li;
}

const STATUS_ORDER = { sending: 0, queued: 1, sent: 2, retrying: 2, delivered: 3, rejected: 3, failed: 3 };

function setStatus(li, status) {
  const current = li.dataset.status;
  if (current && STATUS_ORDER[current] > (STATUS_ORDER[status] ?? 0)) return;   // never go back from final
  li.dataset.status = status;
  li.querySelector('.badge').textContent = status;
}

function setComposerStatus(text, kind, extra = {}) {
  const box = $('composer-status');
  box.textContent = text;
  box.dataset.kind = kind;
  if (extra.scope) box.dataset.scope = extra.scope; else delete box.dataset.scope;
}

function showFieldErrors(fields) {
  const label = (f) => ({ content: 'Message', channelId: 'Channel', guildId: 'Server' }[f] ?? f);
  $('composer-fields').replaceChildren(...(fields ?? []).map((f) => el('li', { textContent: `${label(f.field)}: ${f.message}` })));
}

function clearFieldErrors() {
  $('composer-fields').replaceChildren();
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
