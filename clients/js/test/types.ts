// Compiled by `npm run typecheck` (tsc --noEmit): the declarations describe a usable API, and
// misuse is a type error (the @ts-expect-error lines must fail to compile).
import { createBridgeClient, BridgeError, idAfter, type StreamEvent, type ConnectionState } from '../bridge-client.js';

const bridge = createBridgeClient({ getToken: async () => 'eyJ...', renewBeforeMs: 30_000 });
const voice = bridge.voicePresence(['1181471853712130048'], (presence) => {
  for (const [channelId, members] of presence.channels('1181471853712130048')) {
    const names: (string | undefined)[] = [...members.values()].map((m) => m.displayName ?? m.username);
    console.log(channelId, names);
  }
});
bridge.on('messageCreate', (e) => { const text: string = e.data.content; const who: string = e.data.author.username; void text; void who; });
bridge.on('voice.left', (e) => { const r: 'left' | 'disconnected' | 'moved' | 'kicked' = e.data.reason; void r; });
bridge.on('commandStatus', (s) => { const st: string = s.status; void st; });
bridge.on('*', (e: StreamEvent | object, name: string) => { void e; void name; });
bridge.onReset(async ({ reason }) => { await voice.load(); void reason; });
bridge.onState((s: ConnectionState) => void s);
await bridge.start();

try {
  const done = await bridge.sendMessage({ guildId: '1', channelId: '2', content: 'hi' }, { onStatus: (s) => void s.status });
  const id: string = done.commandId;
  void id;
} catch (e) {
  if (e instanceof BridgeError && e.code === 'RATE_LIMITED') {
    const wait: number | null = e.retryAfterMs;
    const scope: 'user' | 'channel' | null = e.scope;
    void wait; void scope;
  }
}
await bridge.addReaction({ guildId: '1', channelId: '2', messageId: '3', emoji: { name: '👍', id: null } });
await bridge.typingStart({ guildId: '1', channelId: '2' });
const later: boolean = idAfter('0000000000000000002', bridge.lastEventId);
void later;

// @ts-expect-error: content is required
await bridge.sendMessage({ guildId: '1', channelId: '2' });
// @ts-expect-error: not an event name
bridge.on('messageCreated', () => {});
// @ts-expect-error: emoji needs a name
await bridge.addReaction({ guildId: '1', channelId: '2', messageId: '3', emoji: { id: null } });
// @ts-expect-error: no such error code
new BridgeError('NOPE');
