import type { z } from 'zod';
import type { RoleCatalog } from '../annealer/index.js';
import type { Enroller, NodeControl } from '../discovery/index.js';
import type { Random } from '../ports/random.js';
import type { Store } from '../store/index.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/** What the BMC endpoints need; absent, they answer 503 (an API without BMC access, as in some tests). */
export interface BmcServices {
  readonly enroller: Enroller;
  readonly control: NodeControl;
  /** Batch ids when the client gives none. */
  readonly random: Random;
}

export interface ApiContext {
  readonly store: Store;
  readonly catalog: RoleCatalog;
  readonly version: string;
  readonly bmc?: BmcServices;
}

export interface RouteInput {
  readonly params: Record<string, string>;
  readonly query: unknown;
  readonly body: unknown;
}

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

/** One endpoint: what it takes and returns (for validation and the OpenAPI document) and what it does. */
export interface Route {
  readonly method: HttpMethod;
  /** OpenAPI form: `/api/v1/nodes/{name}`. */
  readonly path: string;
  readonly summary: string;
  /** False only for health and the OpenAPI document. */
  readonly auth: boolean;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly status: number;
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

