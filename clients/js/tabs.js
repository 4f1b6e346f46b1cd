// One stream for all the tabs of an origin: the tabs of one user and filter elect a leader with
// the Web Locks API; the leader holds the connection and relays what it receives on a
// BroadcastChannel; when its tab closes, the browser hands the lock to another tab, which
// resumes from the last id it was relayed.
import { jwtClaim } from './tokens.js';

/**
 * The tabs that may share one stream: same user (the token's sub; with the cookie, the origin's
 * one user) and same filter. Tabs of another user or filter elect their own leader.
 */
async function groupOf(client) {
  let user = '';
  if (client.getToken) {
    try {
      await client.ensureToken(false);
      user = jwtClaim(client.token, 'sub') ?? '';
    } catch { /* the leader's connect() reports it */ }
  }
  return `${client.channelName}:${user}:${JSON.stringify(client.filter)}`;
}

/** Joins the client's group of tabs; it leads (client.lead()) once it holds the lock. */
export async function joinTabs(client) {
  const group = await groupOf(client);
  const channel = new BroadcastChannel(group);
  const post = (message) => { try { channel.postMessage(message); } catch { /* closed */ } };
  channel.onmessage = ({ data: m }) => {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'hello' && client.isLeader) post({ type: 'state', state: client.state });
    if (client.isLeader) return;
    if (m.type === 'event') client.dispatch(m.event, m.name, m.id);
    else if (m.type === 'reset') client.dispatch(m.data, 'reset', m.id);
    else if (m.type === 'state' && m.state !== 'stopped') client.setState(m.state);
  };
  post({ type: 'hello' });
  const abort = new AbortController();
  let release = null;
  navigator.locks.request(`${group}:leader`, { signal: abort.signal }, () => {
    if (!client.running) return undefined;
    client.lead();
    return new Promise((resolve) => { release = resolve; });
  }).catch(() => { /* aborted by leave() */ });
  return {
    post,
    leave() { abort.abort(); release?.(); channel.close(); },
  };
}
