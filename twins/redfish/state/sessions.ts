/** One Redfish session (X-Auth-Token). Expiry is computed on the clock when asked; no timers. */
export interface Session {
  readonly id: string;
  readonly token: string;
  readonly user: string;
  readonly createdMs: number;
  lastUsedMs: number;
}

/**
 * The BMC's session table, bounded by the flavour's limit. Sessions idle for longer
 * than the timeout are gone the next time anyone looks; the array exists only while
 * someone is logged in, so 10,000 idle BMCs cost nothing here.
 */
export class SessionTable {
  private sessions: Session[] | undefined;
  private nextId = 1;
  timeoutMs: number;

  constructor(
    readonly limit: number,
    timeoutSeconds: number,
  ) {
    this.timeoutMs = timeoutSeconds * 1_000;
  }

  /** Live sessions at `nowMs`, dropping the expired. */
  list(nowMs: number): readonly Session[] {
    if (!this.sessions) return [];
    const live = this.sessions.filter((s) => nowMs - s.lastUsedMs < this.timeoutMs);
    this.sessions = live.length === 0 ? undefined : live;
    return live;
  }

  /** A new session, or undefined when the table is full. */
  create(user: string, token: string, nowMs: number): Session | undefined {
    if (this.list(nowMs).length >= this.limit) return undefined;
    const session: Session = { id: String(this.nextId++), token, user, createdMs: nowMs, lastUsedMs: nowMs };
    (this.sessions ??= []).push(session);
    return session;
  }

  /** The live session holding `token`, touched (its idle time restarts). */
  byToken(token: string, nowMs: number): Session | undefined {
    const session = this.list(nowMs).find((s) => s.token === token);
    if (session) session.lastUsedMs = nowMs;
    return session;
  }

  byId(id: string, nowMs: number): Session | undefined {
    return this.list(nowMs).find((s) => s.id === id);
  }

  delete(id: string): boolean {
    const before = this.sessions?.length ?? 0;
    this.sessions = this.sessions?.filter((s) => s.id !== id);
    if (this.sessions?.length === 0) this.sessions = undefined;
    return (this.sessions?.length ?? 0) < before;
  }

  /** A BMC reset logs everyone out. */
  clear(): void {
    this.sessions = undefined;
  }
}
