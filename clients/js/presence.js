// Voice presence kept current from snapshots and voice events; see BridgeClient#voicePresence.
import { idAfter } from './ids.js';

const safely = (fn, ...args) => { try { fn(...args); } catch (err) { setTimeout(() => { throw err; }); } };

/**
 * Voice presence of these guilds kept current: each snapshot is paired with its streamId (events at
 * or before it are already in it), refetched after every reset. start() loads it before the stream.
 */
export function voicePresence(client, guildIds, onChange = () => {}) {
  const guilds = new Map();   // guildId -> {streamId, channels: Map(channelId -> Map(userId -> member)), error}
  let loading = null;
  let buffered = [];
  /** Applies one voice event unless its snapshot has it; null when not applied, else whether the user was in that channel. */
  const apply = (ev) => {
    const g = guilds.get(ev?.guildId);
    if (!g || g.error || (ev.id && !idAfter(ev.id, g.streamId))) return null;
    const d = ev.data ?? {};
    const wasThere = g.channels.get(d.channelId)?.has(d.userId) ?? false;
    if (ev.name === 'voice.joined') {
      for (const members of g.channels.values()) members.delete(d.userId);
      if (!g.channels.has(d.channelId)) g.channels.set(d.channelId, new Map());
      g.channels.get(d.channelId).set(d.userId, { userId: d.userId, username: d.username, displayName: d.displayName, avatarUrl: d.avatarUrl });
    } else {
      g.channels.get(d.channelId)?.delete(d.userId);
    }
    return wasThere;
  };
  const onVoice = (ev) => {
    if (loading) { buffered.push(ev); return; }
    const wasThere = apply(ev);
    if (wasThere !== null) safely(onChange, tracker, ev, wasThere);
  };
  const offs = [client.on('voice.joined', onVoice), client.on('voice.left', onVoice)];
  const tracker = {
    guilds: () => [...guilds.keys()],
    channels: (guildId) => guilds.get(guildId)?.channels ?? new Map(),
    error: (guildId) => guilds.get(guildId)?.error ?? null,
    streamIds: () => [...guilds.values()].filter((g) => !g.error).map((g) => g.streamId),
    load() {
      if (loading) return loading;
      buffered = [];
      loading = Promise.all(guildIds.map((id) => client.getJson(`/api/guilds/${encodeURIComponent(id)}/voice`)
        .then((snap) => ({ id, snap }), (error) => ({ id, error })))).then((results) => {
        const denied = results.find((r) => r.error?.code === 'UNAUTHENTICATED');
        for (const { id, snap, error } of results) {
          const channels = new Map();
          for (const [channelId, members] of Object.entries(snap?.channels ?? {})) {
            channels.set(channelId, new Map(members.map((m) => [m.userId, m])));
          }
          guilds.set(id, { streamId: snap?.streamId ?? null, channels, error: error ?? null });
        }
        loading = null;
        safely(onChange, tracker, null, false);
        for (const ev of buffered) {
          const wasThere = apply(ev);
          if (wasThere !== null) safely(onChange, tracker, ev, wasThere);
        }
        buffered = [];
        if (denied) throw denied.error;
      }, (err) => { loading = null; throw err; });
      return loading;
    },
    stop() { offs.forEach((off) => off()); client.trackers.delete(tracker); },
  };
  client.trackers.add(tracker);
  return tracker;
}
