// Plain Node tests of the pure parts (no browser): ids, the SSE parser through a fake fetch,
// commands with Retry-After, typed errors. The behaviour in a browser against a live bridge is
// covered by BrowserClientIT (src/test/java/dev/discordbridge/web).
import assert from 'node:assert/strict';
import { createBridgeClient, BridgeError, idAfter } from '../bridge-client.js';

let failed = 0;
async function test(name, fn) {
  try { await fn(); console.log(`ok - ${name}`); } catch (e) { failed++; console.log(`not ok - ${name}\n  ${e.stack}`); }
}

const json = (status, body, headers = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

await test('ids compare by length, then text', () => {
  assert.equal(idAfter('10', '9'), true);
  assert.equal(idAfter('0000000000000000002', '0000000000000000001'), true);
  assert.equal(idAfter('0000000000000000001', '0000000000000000001'), false);
  assert.equal(idAfter('1', null), true);
  assert.equal(idAfter(null, '1'), false);
});

await test('429 waits out Retry-After, then succeeds with the same Idempotency-Key', async () => {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ at: Date.now(), key: init.headers['Idempotency-Key'] });
    return calls.length === 1
      ? json(429, { error: { code: 'RATE_LIMITED', message: 'slow down', scope: 'user', retryAfterMs: 300 } }, { 'Retry-After': '1' })
      : json(200, { commandId: 'cmd_1', status: 'delivered', result: { messageId: '1' } });
  };
  const bridge = createBridgeClient({ fetch, storage: null, shareTabs: false });
  const done = await bridge.sendMessage({ guildId: '1', channelId: '2', content: 'x' });
  assert.equal(done.status, 'delivered');
  assert.equal(calls.length, 2);
  assert.equal(calls[0].key, calls[1].key);
  assert.ok(calls[1].at - calls[0].at >= 950, `waited ${calls[1].at - calls[0].at} ms for Retry-After: 1`);
});

await test('every contract error becomes a typed BridgeError', async () => {
  const fetch = async () => json(403, { error: { code: 'FORBIDDEN', reason: 'CHANNEL_NOT_IN_GUILD', message: 'no' } }, { 'X-Trace-Id': 't1' });
  const bridge = createBridgeClient({ fetch, storage: null, shareTabs: false });
  await assert.rejects(bridge.typingStart({ guildId: '1', channelId: '2' }), (e) =>
    e instanceof BridgeError && e.code === 'FORBIDDEN' && e.reason === 'CHANNEL_NOT_IN_GUILD' && e.status === 403 && e.traceId === 't1');
});

await test('a 202 settles on the commandStatus that arrived even before the 202 was read', async () => {
  const bridge = createBridgeClient({ fetch: async () => json(202, { commandId: 'cmd_9', status: 'queued' }), storage: null, shareTabs: false });
  bridge.dispatch({ commandId: 'cmd_9', status: 'delivered' }, 'commandStatus');
  assert.equal((await bridge.sendMessage({ guildId: '1', channelId: '2', content: 'x' })).commandId, 'cmd_9');
  const rejected = createBridgeClient({ fetch: async () => json(202, { commandId: 'cmd_8', status: 'queued' }), storage: null, shareTabs: false });
  const p = rejected.sendMessage({ guildId: '1', channelId: '2', content: 'x' });
  setTimeout(() => rejected.dispatch({ commandId: 'cmd_8', status: 'rejected', error: { message: 'unknown channel' } }, 'commandStatus'), 20);
  await assert.rejects(p, (e) => e.code === 'UPSTREAM_REJECTED' && e.message === 'unknown channel');
});

await test('the stream: Last-Event-ID sent, duplicates dropped, position stored', async () => {
  const seen = [];
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  storage.setItem('bridge-client:lastEventId', '0000000000000000005');
  let headers;
  const body = 'retry: 1000\n\nevent: ready\ndata: {"resumed":true}\n\n'
    + 'id: 0000000000000000005\nevent: messageCreate\ndata: {"id":"0000000000000000005","name":"messageCreate"}\n\n'
    + 'id: 0000000000000000006\nevent: messageCreate\ndata: {"id":"0000000000000000006","name":"messageCreate"}\n\n';
  const fetch = async (url, init) => { headers = init.headers; return new Response(body + ': keep', { status: 200, headers: { 'Content-Type': 'text/event-stream' } }); };
  const bridge = createBridgeClient({ fetch, storage, shareTabs: false });
  bridge.on('messageCreate', (e) => seen.push(e.id));
  await bridge.start();
  await new Promise((r) => setTimeout(r, 50));
  bridge.stop();
  assert.equal(headers['Last-Event-ID'], '0000000000000000005');
  assert.deepEqual(seen, ['0000000000000000006']);
  assert.equal(store.get('bridge-client:lastEventId'), '0000000000000000006');
});

await test('a character split across two chunks arrives whole', async () => {
  const bytes = new TextEncoder().encode('event: ready\ndata: {}\n\nid: 0000000000000000009\nevent: messageCreate\ndata: {"data":{"content":"café 👍"}}\n\n');
  const cut = bytes.indexOf(0xf0) + 2;   // inside the 4-byte emoji
  const body = new ReadableStream({ start(c) { c.enqueue(bytes.slice(0, cut)); c.enqueue(bytes.slice(cut)); } });
  const seen = [];
  const bridge = createBridgeClient({ fetch: async () => new Response(body, { status: 200 }), storage: null, shareTabs: false });
  bridge.on('messageCreate', (e) => seen.push(e.data.content));
  await bridge.start();
  await new Promise((r) => setTimeout(r, 50));
  bridge.stop();
  assert.deepEqual(seen, ['café 👍']);
});

await test('an evicted stream is not reopened (it would evict another of the user\'s streams)', async () => {
  let opened = 0;
  const body = 'retry: 10\n\nevent: ready\ndata: {"resumed":false}\n\nevent: evicted\ndata: {"reason":"too many streams"}\n\n';
  const fetch = async () => { opened++; return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }); };
  const bridge = createBridgeClient({ fetch, storage: null, shareTabs: false });
  const states = [];
  bridge.onState((s) => states.push(s));
  await bridge.start();
  await new Promise((r) => setTimeout(r, 1500));   // past any reconnect delay the client would use
  assert.equal(bridge.state, 'evicted', `states: ${states}`);
  assert.equal(opened, 1);
  bridge.stop();
});

if (failed) { console.log(`${failed} failed`); process.exit(1); }
