import type { RedfishReply, RedfishRequest } from './exchange.js';
import type { Account, BmcState } from './bmc-state.js';
import type { Session } from './state/sessions.js';

/** Redfish privileges (DSP0266 §13), as the routes need them. */
export type Privilege = 'None' | 'Login' | 'ConfigureComponents' | 'ConfigureManager' | 'ConfigureUsers' | 'ConfigureSelf';
export type Method = 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
  readonly state: BmcState;
  readonly req: RedfishRequest;
  /** The canonical path: no trailing slash (except the service root `/redfish/v1/`). */
  readonly path: string;
  /** The values of `*` segments, in order. */
  readonly params: readonly string[];
  readonly account: Account | undefined;
  readonly session: Session | undefined;
}

export type Handler = (ctx: RouteContext) => RedfishReply | Promise<RedfishReply>;

export interface RouteDef {
  /** `/redfish/v1/Systems/System.Embedded.1/Processors/*`: literal segments, `*` for one free segment. */
  readonly pattern: string;
  readonly handlers: Partial<Record<Method, Handler>>;
  /** Default: GET needs Login, the rest ConfigureComponents. */
  readonly privileges?: Partial<Record<Method, Privilege>>;
}

export interface RouteMatch {
  readonly route: RouteDef;
  readonly params: string[];
}

/** Matches canonical paths to routes: an exact map for literal patterns, a scan for the rest. */
export class Router {
  private readonly exact = new Map<string, RouteDef>();
  private readonly wild: { segments: string[]; route: RouteDef }[] = [];

  constructor(routes: readonly RouteDef[]) {
    for (const route of routes) {
      if (route.pattern.includes('*')) this.wild.push({ segments: route.pattern.split('/'), route });
      else this.exact.set(route.pattern, route);
    }
  }

  match(path: string): RouteMatch | undefined {
    const route = this.exact.get(path);
    if (route) return { route, params: [] };
    const segments = path.split('/');
    for (const candidate of this.wild) {
      if (candidate.segments.length !== segments.length) continue;
      const params: string[] = [];
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const want = candidate.segments[i];
        const have = segments[i] ?? '';
        if (want === '*') {
          if (have === '') ok = false;
          else params.push(have);
        } else if (want !== have) ok = false;
      }
      if (ok) return { route: candidate.route, params };
    }
    return undefined;
  }
}

export function allowedMethods(route: RouteDef): string[] {
  const methods = Object.keys(route.handlers) as Method[];
  return methods.includes('GET') ? ['GET', 'HEAD', ...methods.filter((m) => m !== 'GET')] : methods;
}
