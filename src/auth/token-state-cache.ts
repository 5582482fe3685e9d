import type { TokenState } from './api-tokens.repository.js';

/** Entries older than this are read again even without a notification (a safety net only). */
export const TOKEN_STATE_MAX_AGE_MS = 60_000;
/** Most tokens kept; the oldest entry goes first. */
export const TOKEN_STATE_MAX_ENTRIES = 10_000;

interface Entry {
  readonly state: TokenState;
  readonly at: number;
}

/**
 * The state of recently used tokens (revoked, expiry, identity), so that an authenticated request
 * costs no database round trip. It is only trusted while the process listens for the
 * `api_tokens` change notifications (see TokenStateListener): every notification, and every loss
 * or regain of the listening connection, moves the epoch on, and a read that started in an older
 * epoch is not cached — so a state read just before a revocation can never be cached after it.
 */
export class TokenStateCache {
  private readonly entries = new Map<string, Entry>();
  private live = false;
  private epochValue = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = TOKEN_STATE_MAX_AGE_MS,
    private readonly maxEntries = TOKEN_STATE_MAX_ENTRIES,
  ) {}

  /** Changes with every invalidation; pass it back to {@link set}. */
  get epoch(): number {
    return this.epochValue;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether entries are served (the notification connection is up). */
  get listening(): boolean {
    return this.live;
  }

  get(tokenId: string): TokenState | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(tokenId);
    if (!entry) return undefined;
    if (this.now() - entry.at >= this.maxAgeMs) {
      this.entries.delete(tokenId);
      return undefined;
    }
    return entry.state;
  }

  /** Keeps a state read from the database, unless anything was invalidated since `epoch`. */
  set(tokenId: string, state: TokenState, epoch: number): void {
    if (!this.live || epoch !== this.epochValue) return;
    this.entries.delete(tokenId);
    this.entries.set(tokenId, { state, at: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** A token changed (revoked, deleted, …): forget it. */
  invalidate(tokenId: string): void {
    this.epochValue++;
    this.entries.delete(tokenId);
  }

  /** The notification connection came up (`true`) or went down (`false`): forget everything. */
  setListening(listening: boolean): void {
    this.epochValue++;
    this.entries.clear();
    this.live = listening;
  }
}
