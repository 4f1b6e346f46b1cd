// Voice presence over the legacy /api/ws socket: only for browsers without EventSource, and only
// while the operator keeps the legacy bridge on (ENABLE_WS_BRIDGE). It carries voice events only,
// without stream ids, so the snapshots are reloaded on every reconnect. It offers the page the same
// presence as the browser client's tracker: guilds(), channels(guildId), error(guildId).

async function snapshot(guildId) {
  const res = await fetch(`/api/guilds/${encodeURIComponent(guildId)}/voice`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return { status: res.status, body: res.ok ? await res.json() : null };
}

/** onVoice(presence, event|null, wasThere) as the client's tracker calls it; onState(state, detail). */
export function legacyVoice({ guildIds, onVoice, onState }) {
  const channels = new Map();   // guildId -> Map(channelId -> Map(userId -> member))
  const refused = new Set();
  const presence = { guilds: () => [...guildIds], channels: (id) => channels.get(id) ?? new Map(),
    error: (id) => (refused.has(id) ? { code: 'FORBIDDEN' } : null) };
  let ws = null;
  let stopped = false;

  /** Snapshots, then the socket; false when the caller is not signed in. */
  async function start() {
    const answers = await Promise.all(guildIds.map(snapshot));
    if (answers.some((r) => r.status === 401)) return false;
    guildIds.forEach((id, i) => {
      const body = answers[i].body;
      if (!body) refused.add(id); else refused.delete(id);
      channels.set(id, new Map(Object.entries(body?.channels ?? {}).map(([c, ms]) => [c, new Map(ms.map((m) => [m.userId, m]))])));
    });
    onVoice(presence, null, false);
    if (!stopped) open();
    return true;
  }

  function open() {
    if (!('WebSocket' in window)) { onState('unavailable'); return; }
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/ws`);
    ws = socket;
    let opened = false;
    const awaiting = new Set();   // guilds subscribed to, not yet confirmed by `subscribed`
    socket.onopen = () => {
      opened = true;
      for (const id of guildIds) {
        if (refused.has(id)) continue;
        awaiting.add(id);
        socket.send(JSON.stringify({ type: 'subscribe', guildId: id }));
      }
      // Live only once the bridge confirmed every subscription: events before that are not sent to us.
      if (awaiting.size === 0) onState('live', 'compatibility mode');
    };
    socket.onmessage = (m) => {
      let f = null;
      try { f = JSON.parse(m.data); } catch { /* not JSON */ }
      if (f && (f.type === 'subscribed' || f.type === 'error') && awaiting.size > 0) {
        if (f.type === 'subscribed') awaiting.delete(f.guildId);
        else awaiting.delete(awaiting.values().next().value);   // a refused subscription: do not wait for it
        if (awaiting.size === 0) onState('live', 'compatibility mode');
        return;
      }
      const guild = channels.get(f?.guildId);
      if (!guild || (f.type !== 'voice.joined' && f.type !== 'voice.left')) return;
      const wasThere = guild.get(f.channelId)?.has(f.userId) ?? false;
      for (const members of guild.values()) members.delete(f.userId);
      if (f.type === 'voice.joined') {
        if (!guild.has(f.channelId)) guild.set(f.channelId, new Map());
        guild.get(f.channelId).set(f.userId, { userId: f.userId, username: f.username });
      }
      onVoice(presence, { name: f.type, guildId: f.guildId, channelId: f.channelId, occurredAt: f.at,
        data: { userId: f.userId, username: f.username, channelId: f.channelId, reason: f.reason } }, wasThere);
    };
    socket.onclose = () => {
      if (ws !== socket || stopped) return;
      if (!opened) { onState('unavailable', 'this browser lacks EventSource'); return; }
      onState('reconnecting');
      setTimeout(() => { if (!stopped) start(); }, 2000);
    };
  }

  return { presence, start, stop() { stopped = true; ws?.close(); } };
}
