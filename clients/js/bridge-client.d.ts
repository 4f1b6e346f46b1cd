// Types of bridge-client.js (the bridge's browser client). Shapes: docs/openapi.yaml, docs/stream.md.

export type Snowflake = string;
/** Opaque, fixed-width, only grows; compare with idAfter, never do arithmetic. */
export type StreamId = string;

export interface Author { id: Snowflake; username: string; displayName?: string; avatarUrl?: string }
export interface Emoji { name: string; id: Snowflake | null }

export interface EventData {
  messageCreate: { messageId: Snowflake; author: Author; content: string };
  /** content: absent when the bridge does not know it; editedAt: null when Discord did not date the change. */
  messageUpdate: { messageId: Snowflake; content?: string; editedAt: string | null };
  messageDelete: { messageId: Snowflake };
  reactionAdd: { messageId: Snowflake; userId: Snowflake; emoji: Emoji; displayName?: string; avatarUrl?: string };
  reactionRemove: { messageId: Snowflake; userId: Snowflake; emoji: Emoji; displayName?: string; avatarUrl?: string };
  typingStart: { userId: Snowflake };
  'voice.joined': { userId: Snowflake; username: string; channelId: Snowflake; displayName?: string; avatarUrl?: string };
  'voice.left': { userId: Snowflake; channelId: Snowflake; reason: 'left' | 'disconnected' | 'moved' | 'kicked' };
}
export type EventName = keyof EventData;

export interface StreamEvent<N extends EventName = EventName> {
  v: 1;
  /** Absent on typingStart (live only, never replayed) as on every event without an `id:` line. */
  id?: StreamId;
  name: N;
  guildId: Snowflake;
  channelId: Snowflake;
  occurredAt: string;
  data: EventData[N];
  trace: { traceId: string; upstreamSeq?: number; receivedAt?: string; publishedAt?: string };
}

export type CommandName = 'sendMessage' | 'addReaction' | 'typingStart';
export type CommandState = 'queued' | 'sent' | 'retrying' | 'delivered' | 'rejected' | 'failed';

export interface CommandStatus {
  commandId: string;
  name: CommandName;
  userId: Snowflake;
  guildId: Snowflake;
  channelId: Snowflake;
  status: CommandState;
  attempt: number;
  traceId: string;
  at: string;
  error?: { code?: string; message?: string; retryable?: boolean };
}

export interface Handlers {
  messageCreate: StreamEvent<'messageCreate'>;
  messageUpdate: StreamEvent<'messageUpdate'>;
  messageDelete: StreamEvent<'messageDelete'>;
  reactionAdd: StreamEvent<'reactionAdd'>;
  reactionRemove: StreamEvent<'reactionRemove'>;
  typingStart: StreamEvent<'typingStart'>;
  'voice.joined': StreamEvent<'voice.joined'>;
  'voice.left': StreamEvent<'voice.left'>;
  commandStatus: CommandStatus;
}

export interface SendMessage { guildId: Snowflake; channelId: Snowflake; content: string; replyTo?: Snowflake }
export interface AddReaction { guildId: Snowflake; channelId: Snowflake; messageId: Snowflake; emoji: Emoji }
export interface TypingStart { guildId: Snowflake; channelId: Snowflake }
export interface CommandBodies { sendMessage: SendMessage; addReaction: AddReaction; typingStart: TypingStart }

export interface Delivered { commandId: string; status: 'delivered'; result: Record<string, unknown> | null }

export interface CommandOptions {
  /** Default: a new UUID per call, the same on each of its retries. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** How long a 202 may wait for its final commandStatus (default 600000, the bridge's COMMAND_MAX_AGE_MS). */
  timeoutMs?: number;
  /** Every status of this command as it moves (queued, sent, retrying, ...). */
  onStatus?: (status: Pick<CommandStatus, 'commandId' | 'status'> & Partial<CommandStatus>) => void;
  /** Refused with 429, 503 or 409: the client tries again after waitMs (Retry-After). */
  onRetry?: (error: BridgeError, waitMs: number) => void;
}

/** The bridge's error codes, and the client's own: COMMAND_FAILED, NETWORK, ABORTED. */
export type ErrorCode =
  | 'VALIDATION_FAILED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNKNOWN_COMMAND' | 'METHOD_NOT_ALLOWED'
  | 'IDEMPOTENCY_IN_PROGRESS' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'BAD_REQUEST' | 'RATE_LIMITED'
  | 'INTERNAL' | 'UPSTREAM_REJECTED' | 'QUEUE_SATURATED' | 'SHUTTING_DOWN' | 'SERVICE_UNAVAILABLE' | 'TIMEOUT'
  | 'COMMAND_FAILED' | 'NETWORK' | 'ABORTED';
export declare const ERROR_CODES: readonly ErrorCode[];

export type ForbiddenReason = 'GUILD_NOT_ALLOWED' | 'CHANNEL_NOT_IN_GUILD' | 'MISSING_PERMISSION' | 'BOT_MISSING_PERMISSION';

export declare class BridgeError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** The HTTP status, or null (stream outcomes, network failures). */
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly fields: { field: string; message: string }[];
  readonly scope: 'user' | 'channel' | null;
  readonly reason: ForbiddenReason | null;
  readonly permission: string | null;
  readonly commandId: string | null;
  readonly traceId: string | null;
  /** The hub's or Discord's error of a rejected or failed command. */
  readonly upstream: { code?: string; message?: string; retryable?: boolean } | null;
  constructor(code: C, message?: string, details?: Partial<BridgeError>);
}

export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'unauthenticated' | 'evicted' | 'stopped';

export interface ResetInfo { reason: string; id: StreamId | null }

export interface TokenAnswer { token?: string | null; expiresAt?: string | number | null }

export interface BridgeClientOptions {
  /** Default: this page's origin. */
  baseUrl?: string;
  /**
   * A fresh token (sent as Authorization: Bearer; its exp decides when to renew), or {expiresAt}
   * after the app refreshed the bridge_token cookie. Absent: the cookie, never renewed.
   */
  getToken?: () => string | TokenAnswer | Promise<string | TokenAnswer>;
  /** Renew this long before expiry (at most half the token's lifetime). Default 60000. */
  renewBeforeMs?: number;
  /** A connection silent this long (no event, no heartbeat) is replaced. Default 35000. */
  heartbeatTimeoutMs?: number;
  filter?: { guilds?: Snowflake[]; channels?: Snowflake[]; types?: EventName[] };
  credentials?: RequestCredentials;
  /** Retries of a command refused with 429/503/409 (after Retry-After) or unreachable. Default 4. */
  maxRetries?: number;
  commandTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Where the last processed stream id is kept across reloads. Default sessionStorage; null: nowhere. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  storageKey?: string;
  /** One connection for all tabs of the origin (Web Locks + BroadcastChannel). Default true. */
  shareTabs?: boolean;
  channelName?: string;
}

export interface VoiceMember { userId: Snowflake; username?: string; displayName?: string; avatarUrl?: string; joinedAt?: string }

export interface VoicePresence {
  guilds(): Snowflake[];
  /** channelId -> (userId -> member) */
  channels(guildId: Snowflake): Map<Snowflake, Map<Snowflake, VoiceMember>>;
  /** Why a guild's snapshot could not be read (e.g. FORBIDDEN), or null. */
  error(guildId: Snowflake): BridgeError | null;
  streamIds(): (StreamId | null)[];
  /** Fetches every snapshot (start() and every reset do it for you). */
  load(): Promise<void>;
  stop(): void;
}

export declare function idAfter(a: StreamId | null | undefined, b: StreamId | null | undefined): boolean;

export declare class BridgeClient {
  constructor(options?: BridgeClientOptions);
  readonly state: ConnectionState;
  /** The last stream id processed (kept in storage): where a reconnect or a reload resumes. */
  readonly lastEventId: StreamId | null;
  /** True in the one tab that holds the connection. */
  readonly isLeader: boolean;
  readonly stats: { connections: number; silentReplaced: number; resets: number; tokenRenewals: number };
  readonly lastError?: BridgeError;

  on<N extends keyof Handlers>(name: N, handler: (event: Handlers[N]) => void): () => void;
  on(name: '*', handler: (event: StreamEvent | CommandStatus, name: string) => void): () => void;
  /** Events may have been lost: refetch what you show. Called once per reset (resets during the call are folded). */
  onReset(handler: (info: ResetInfo) => void | Promise<void>): () => void;
  onState(handler: (state: ConnectionState) => void): () => void;

  /**
   * Loads the tracked voice snapshots, then opens the stream (or follows the tab that holds it).
   * Rejects (state unauthenticated) when the snapshots cannot be read for lack of a valid token.
   */
  start(): Promise<void>;
  stop(): void;
  /** Drops the connection and resumes from lastEventId. */
  reconnect(): void;

  /**
   * onChange: after each snapshot load (event null), then per voice event applied; wasThere tells
   * whether the user was shown in that channel before the event (a voice.left of someone who was).
   */
  voicePresence(guildIds: Snowflake[],
    onChange?: (presence: VoicePresence, event: StreamEvent<'voice.joined' | 'voice.left'> | null, wasThere: boolean) => void): VoicePresence;

  sendMessage(body: SendMessage, options?: CommandOptions): Promise<Delivered>;
  addReaction(body: AddReaction, options?: CommandOptions): Promise<Delivered>;
  typingStart(body: TypingStart, options?: CommandOptions): Promise<Delivered>;
  command<N extends CommandName>(name: N, body: CommandBodies[N], options?: CommandOptions): Promise<Delivered>;
  getJson<T = unknown>(path: string): Promise<T>;
}

export declare function createBridgeClient(options?: BridgeClientOptions): BridgeClient;
