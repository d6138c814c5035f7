import type { z } from 'zod';
import type { AgentHub } from '../agent/index.js';
import type { RoleCatalog } from '../annealer/index.js';
import type { Enroller, NodeControl } from '../discovery/index.js';
import type { TeardownService } from '../lifecycle/index.js';
import type { Random } from '../ports/random.js';
import type { NodeRecord, Store, Versioned } from '../store/index.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/** What the BMC endpoints need; absent, they answer 503 (an API without BMC access, as in some tests). */
export interface BmcServices {
  readonly enroller: Enroller;
  readonly control: NodeControl;
  /** Batch ids when the client gives none. */
  readonly random: Random;
}

/** What the decommission endpoints drive (the node's BMC, the provisioner, the store); closing it is its owner's business. */
export type NodeTeardown = Pick<TeardownService, 'decommission' | 'reprovision'>;

export interface ApiContext {
  readonly store: Store;
  readonly catalog: RoleCatalog;
  readonly version: string;
  readonly bmc?: BmcServices;
  /** Node agents' work queue; without it the agent endpoints answer 503. */
  readonly agents?: AgentHub;
  /** Tear-down and reprovisioning; without it those endpoints answer 503. */
  readonly teardown?: NodeTeardown;
}

export interface RouteInput {
  readonly params: Record<string, string>;
  readonly query: unknown;
  readonly body: unknown;
  /** The node whose agent token authenticated the request (`auth: 'agent'` routes), as read then. */
  readonly agentNode?: Versioned<NodeRecord>;
  /** Aborts when the client hangs up: a route that holds the request (a long poll) stops waiting. */
  readonly signal?: AbortSignal;
}

export interface RouteResult {
  readonly status: number;
  /** Not sent with status 204. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One endpoint: what it takes and returns (for validation and the OpenAPI document) and what it does. */
export interface Route {
  readonly method: HttpMethod;
  /** OpenAPI form: `/api/v1/nodes/{name}`. */
  readonly path: string;
  readonly summary: string;
  /** True: an operator's API token; 'agent': a node's agent token; false only for health and the OpenAPI document. */
  readonly auth: boolean | 'agent';
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly status: number;
  /** For a 202: what was accepted and how its end shows (the OpenAPI document's answer description). */
  readonly accepted?: string;
  handle(ctx: ApiContext, input: RouteInput): Promise<RouteResult>;
}

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
  readonly fix: string;
}

/** An error the API reports with a status and a `{field?, problem, fix?, problems?}` body. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: string,
    readonly fix?: string,
    readonly field?: string,
    /** Every problem of a request that has several, the first one also in the fields above. */
    readonly problems?: readonly FieldProblem[],
  ) {
    super(problem);
  }

  /** A 400 listing every problem of the request at once, so one round trip fixes them all. */
  static invalid(problems: readonly [FieldProblem, ...FieldProblem[]]): ApiError {
    const [first] = problems;
    return new ApiError(400, first.problem, first.fix, first.field, problems);
  }
}

