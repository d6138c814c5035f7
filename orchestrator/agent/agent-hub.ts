import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { ConflictError, type NodeRecord, type Store, type Versioned } from '../store/index.js';
import { AgentError, BadInputError } from './errors.js';
import { renderShell } from './render-shell.js';
import { OUTPUT_LIMIT_BYTES, Resource, type AgentResult, type WorkItem } from './resources.js';
import { tokenDigest } from './tokens.js';

export interface AgentHubOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  /** What `Retry-After` tells an agent with nothing to do. */
  readonly pollIntervalS: number;
  /** Hand-outs of one item before it fails as lost (an agent that polls again without a result lost it: a reboot, a crash). */
  readonly maxHandOuts: number;
  /**
   * How long a token → node answer is reused without reading the store (0: never).
   * A revoked token keeps working at most this long.
   */
  readonly authCacheMs: number;
}

const MAX_CACHED_TOKENS = 100_000;

export interface PollOptions {
  /**
   * How long to hold the poll for an item when none is queued (a long poll),
   * in ms; 0 or absent answers at once. The agent then gets an item the moment
   * it is dispatched, and an idle agent calls in once per wait.
   */
  readonly waitMs?: number;
  /** Ends the wait early, with nothing: the agent hung up. */
  readonly signal?: AbortSignal;
}

interface Pending {
  item: WorkItem;
  handedOut: boolean;
  readonly resolve: (result: AgentResult) => void;
  readonly reject: (error: unknown) => void;
  readonly detach: () => void;
}

/**
 * Work for node agents: `dispatch` queues a rendered item for a node and
 * resolves when its agent posts the result. The queue is in memory on
 * purpose: an item lost with the orchestrator is dispatched again when the
 * annealer's lease on its run expires, so persisting it would add writes and
 * no safety. One item per node is out at a time, in dispatch order.
 */
export class AgentHub {
  private readonly queues = new Map<string, Pending[]>();
  private readonly seen = new Map<string, number>();
  /** Tokens whose agent's first call is recorded (the cached record may predate that write). */
  private readonly announced = new Set<string>();
  private readonly authenticated = new Map<string, { readonly node: Versioned<NodeRecord>; readonly untilMs: number }>();
  /** The held poll of each node, by node: called with true when an item is queued for it, false to end the wait with nothing. */
  private readonly waiting = new Map<string, (workArrived: boolean) => void>();

  /** Node names by agent token digest, as of the node map `nodes`. */
  private tokenIndex: { readonly nodes: ReadonlyMap<string, Versioned<NodeRecord>>; readonly index: ReadonlyMap<string, string> } | undefined;

  constructor(private readonly options: AgentHubOptions) {
    if (!(Number.isInteger(options.pollIntervalS) && options.pollIntervalS >= 1)) throw new AgentError('AGENT_BAD_CONFIG', `pollIntervalS: ${options.pollIntervalS} — use a whole number of seconds ≥ 1`);
    if (!(options.maxHandOuts >= 1)) throw new AgentError('AGENT_BAD_CONFIG', `maxHandOuts: ${options.maxHandOuts} — use a number ≥ 1`);
    if (!(options.authCacheMs >= 0)) throw new AgentError('AGENT_BAD_CONFIG', `authCacheMs: ${options.authCacheMs} — use milliseconds ≥ 0 (0 reads the store on every call)`);
  }

  get pollIntervalS(): number {
    return this.options.pollIntervalS;
  }

  /** Queues `resources` for `node`'s agent; resolves with its result; rejects on invalid resources (BadInputError), when `signal` aborts, or when the agent loses the item too often. */
  dispatch(node: string, nodeRole: string, resources: readonly Resource[], signal: AbortSignal): Promise<AgentResult> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const checked = Resource.array().safeParse(resources);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `resources${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`);
      return Promise.reject(new BadInputError(`Failed to dispatch a work item for ${nodeRole}: ${problems.join('; ')}`));
    }
    const shell = renderShell(resources, nodeRole);
    const item: WorkItem = {
      id: `w-${Buffer.from(this.options.random.bytes(8)).toString('hex')}`,
      nodeRole,
      attempt: 1,
      resources,
      shell,
      shellBase64: Buffer.from(shell, 'utf8').toString('base64'),
    };
    return new Promise<AgentResult>((resolve, reject) => {
      const onAbort = (): void => {
        this.remove(node, item.id);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const pending: Pending = { item, handedOut: false, resolve, reject, detach: () => signal.removeEventListener('abort', onAbort) };
      const queue = this.queues.get(node) ?? [];
      queue.push(pending);
      this.queues.set(node, queue);
      this.waiting.get(node)?.(true);
    });
  }

  /** The node whose agent token this is, or undefined: unknown, revoked or malformed. */
  async authenticate(token: string): Promise<Versioned<NodeRecord> | undefined> {
    if (token === '') return undefined;
    const sha256 = tokenDigest(token);
    const now = this.options.clock.now();
    const cached = this.authenticated.get(sha256);
    if (cached && now < cached.untilMs) return cached.node;
    this.authenticated.delete(sha256);
    const node = this.byToken(await this.options.store.nodes(), sha256);
    if (node) {
      if (this.options.authCacheMs > 0) {
        // Expired entries go as they are found; a bound keeps tokens never asked about again from piling up.
        if (this.authenticated.size >= MAX_CACHED_TOKENS) this.authenticated.clear();
        this.authenticated.set(sha256, { node, untilMs: now + this.options.authCacheMs });
      }
      return node;
    }
    return undefined;
  }

  /**
   * The node holding this token digest. The index says which node had it; the
   * current record confirms it still does (a token moves only by a new install
   * plan or a revocation). Only a digest the index does not place correctly
   * rebuilds it, at most once per node map (records are immutable, so the same
   * map means the same tokens): a fleet's polls cost a lookup each, not a pass
   * over every node per node change.
   */
  private byToken(nodes: ReadonlyMap<string, Versioned<NodeRecord>>, sha256: string): Versioned<NodeRecord> | undefined {
    const holds = (name: string | undefined): Versioned<NodeRecord> | undefined => {
      const node = name === undefined ? undefined : nodes.get(name);
      return node?.value.provisioning?.agentTokenSha256 === sha256 ? node : undefined;
    };
    const indexed = holds(this.tokenIndex?.index.get(sha256));
    if (indexed || this.tokenIndex?.nodes === nodes) return indexed;
    const index = new Map<string, string>();
    for (const node of nodes.values()) {
      const sha = node.value.provisioning?.agentTokenSha256;
      if (sha !== undefined) index.set(sha, node.value.name);
    }
    this.tokenIndex = { nodes, index };
    return holds(index.get(sha256));
  }

  /**
   * A poll from `node`'s agent: its heartbeat, and the next item for it (the
   * same one again, as a new attempt, if it lost the last), waiting up to
   * `waitMs` for one when none is queued.
   */
  async poll(node: Versioned<NodeRecord>, options: PollOptions = {}): Promise<WorkItem | undefined> {
    await this.heartbeat(node);
    const name = node.value.name;
    const item = this.take(name);
    if (item !== undefined || !((options.waitMs ?? 0) > 0) || options.signal?.aborted === true) return item;
    return (await this.waitForWork(name, options.waitMs!, options.signal)) ? this.take(name) : undefined;
  }

  private take(node: string): WorkItem | undefined {
    for (;;) {
      const head = this.queues.get(node)?.[0];
      if (!head) return undefined;
      if (head.handedOut) {
        if (head.item.attempt >= this.options.maxHandOuts) {
          this.settle(node, head.item.id).reject(
            new AgentError('AGENT_LOST_ITEM', `Failed to run work item ${head.item.id} on ${node}: its agent asked for work ${head.item.attempt} times without posting a result — check the agent's log on the node`),
          );
          continue;
        }
        head.item = { ...head.item, attempt: head.item.attempt + 1 };
      }
      head.handedOut = true;
      return head.item;
    }
  }

  /**
   * True when an item is queued for `node` within `waitMs`; false when the
   * time runs out, `signal` aborts, or a newer poll of the node takes over
   * (its agent gave up on this one), so an item never goes to a caller that left.
   */
  private waitForWork(node: string, waitMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    this.waiting.get(node)?.(false);
    const { clock } = this.options;
    return new Promise((resolve) => {
      const wake = (workArrived: boolean): void => {
        clock.clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        if (this.waiting.get(node) === wake) this.waiting.delete(node);
        resolve(workArrived);
      };
      const giveUp = (): void => wake(false);
      const timer = clock.setTimeout(giveUp, waitMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.waiting.set(node, wake);
    });
  }

  /** The agent's result for item `id`; an item not out to this node is an AgentError (the API's 409). */
  complete(node: string, id: string, result: AgentResult): void {
    const head = this.queues.get(node)?.[0];
    if (!head || head.item.id !== id || !head.handedOut) {
      throw new AgentError('AGENT_NOT_OUTSTANDING', `work item ${id} is not outstanding for ${node}`);
    }
    const bytes = Buffer.from(result.output, 'utf8');
    const output = bytes.length > OUTPUT_LIMIT_BYTES ? bytes.subarray(bytes.length - OUTPUT_LIMIT_BYTES).toString('utf8') : result.output;
    this.settle(node, id).resolve({ ...result, output });
  }

  /** When `node`'s agent last called in (this process's memory: a heartbeat is not worth a write). */
  lastSeenMs(node: string): number | undefined {
    return this.seen.get(node);
  }

  /** Items waiting or out for `node`. */
  queued(node: string): number {
    return this.queues.get(node)?.length ?? 0;
  }

  private async heartbeat(node: Versioned<NodeRecord>): Promise<void> {
    const now = this.options.clock.now();
    this.seen.set(node.value.name, now);
    const provisioning = node.value.provisioning;
    const sha256 = provisioning?.agentTokenSha256;
    if (!provisioning || !sha256 || provisioning.agentSeenAtMs !== undefined || this.announced.has(sha256)) return;
    try {
      await this.options.store.commit(
        [{ kind: 'node', value: { ...node.value, provisioning: { ...provisioning, agentSeenAtMs: now } }, expectedVersion: node.version }],
        [{ type: 'node.agent-up', subject: node.value.name, data: { atMs: now } }],
      );
      if (this.announced.size >= MAX_CACHED_TOKENS) this.announced.clear();
      this.announced.add(sha256);
    } catch (error) {
      // Someone else wrote the node meanwhile: the next poll reads it afresh and records the first sighting then.
      if (!(error instanceof ConflictError)) throw error;
      this.authenticated.delete(sha256);
    }
  }

  private settle(node: string, id: string): Pending {
    const pending = this.remove(node, id);
    if (!pending) throw new Error(`Invariant violated: work item ${id} of ${node} vanished while settling`);
    pending.detach();
    return pending;
  }

  private remove(node: string, id: string): Pending | undefined {
    const queue = this.queues.get(node);
    const index = queue?.findIndex((p) => p.item.id === id) ?? -1;
    if (!queue || index < 0) return undefined;
    const [removed] = queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(node);
    return removed;
  }
}
