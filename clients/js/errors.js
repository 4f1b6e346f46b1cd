// The errors the client reports: the bridge's codes (docs/openapi.yaml) and its own.

export const ERROR_CODES = Object.freeze([
  'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'UNKNOWN_COMMAND', 'METHOD_NOT_ALLOWED',
  'IDEMPOTENCY_IN_PROGRESS', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST', 'RATE_LIMITED',
  'INTERNAL', 'UPSTREAM_REJECTED', 'QUEUE_SATURATED', 'SHUTTING_DOWN', 'SERVICE_UNAVAILABLE', 'TIMEOUT',
  'COMMAND_FAILED', 'NETWORK', 'ABORTED',
]);

/** Every failure the client reports: `code` is one of ERROR_CODES; the rest as the bridge sent it. */
export class BridgeError extends Error {
  constructor(code, message, details = {}) {
    super(message || code);
    this.name = 'BridgeError';
    this.code = code;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.fields = details.fields ?? [];
    this.scope = details.scope ?? null;
    this.reason = details.reason ?? null;
    this.permission = details.permission ?? null;
    this.commandId = details.commandId ?? null;
    this.traceId = details.traceId ?? null;
    this.upstream = details.upstream ?? null;
  }
}

export function commandError(s) {
  const upstream = s.error ?? null;
  return new BridgeError(s.status === 'rejected' ? 'UPSTREAM_REJECTED' : 'COMMAND_FAILED',
    upstream?.message ?? `the command was ${s.status}`, { commandId: s.commandId, traceId: s.traceId, upstream });
}

/** A BridgeError from an error answer: the body's code and details, Retry-After in ms. */
export async function errorOf(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  const e = body?.error ?? {};
  const header = Number(res.headers.get('Retry-After'));
  const retryAfterMs = Number.isFinite(e.retryAfterMs) ? Math.max(e.retryAfterMs, header > 0 ? header * 1000 : 0)
    : header > 0 ? header * 1000 : null;
  const code = ERROR_CODES.includes(e.code) ? e.code : res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL';
  return new BridgeError(code, e.message ?? `HTTP ${res.status}`, { ...e, status: res.status, retryAfterMs,
    traceId: res.headers.get('X-Trace-Id') });
}

/** A command's final status from the stream as its promise's outcome. */
export function settled(s) {
  return s.status === 'delivered' ? Promise.resolve({ commandId: s.commandId, status: 'delivered', result: s.result ?? null })
    : Promise.reject(commandError(s));
}
