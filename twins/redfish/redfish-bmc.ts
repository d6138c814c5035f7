import { createHash } from 'node:crypto';
import type { Clock, Disposable, FaultInjector, HttpMessage, HttpMessageReply, InProcessHttpNetwork, Random } from '../../sim/index.js';
import { InvalidTwinConfigError, TwinError } from '../errors.js';
import type { SimulatedServer } from '../server/index.js';
import { BmcState, type Account, type Role } from './bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply, type RedfishRequest } from './exchange.js';
import { redfishFlavour, type RedfishFlavour, type RedfishFlavourName } from './flavours/index.js';
import { checkHardware, DEFAULT_HARDWARE, type BmcNetwork, type RedfishHardware } from './hardware.js';
import { errorBody, MessageBook, RedfishProblem } from './messages.js';
import { authenticate, ROLE_PRIVILEGES } from './resources/sessions.js';
import { allowedMethods, type Method, type Privilege, type RouteContext } from './router.js';
import { flavourRouter } from './routes.js';
import { pageMembers, type Json } from './odata.js';
import { expandRequest, expandResource } from './expand.js';
import { loadRedfishSharedData, type RedfishSharedData } from './shared-data.js';
import type { Session } from './state/sessions.js';

export interface RedfishCredentials {
  readonly user: string;
  readonly password: string;
}

export interface RedfishBmcOptions {
  /** The server this BMC manages; the IPMI side of the same BMC shares it. */
  server: SimulatedServer;
  flavour: RedfishFlavourName | RedfishFlavour;
  clock: Clock;
  /** The BMC forks `redfish` from it (session tokens). */
  random: Random;
  /** Component faults aimed at `bmc:<name>`: `hang`, `wrong-credentials`, `session-exhaustion`. */
  faults?: FaultInjector;
  /** The BMC's name in fault plans and traces (`bmc:<name>`). Default: the server's name without a `node:` prefix. */
  name?: string;
  /** The administrator account. */
  credentials: RedfishCredentials;
  /** More accounts (an operator, a read-only user). */
  accounts?: readonly (RedfishCredentials & { readonly role: Role })[];
  /** Default: DEFAULT_HARDWARE. */
  hardware?: RedfishHardware;
  /** The BMC's own port, reported under the Manager. */
  network?: BmcNetwork;
  /** Licenses installed (Supermicro's `SFT-DCMS-SINGLE` unlocks BIOS writes and updates). */
  licenses?: readonly string[];
  /** DMTF registries; default: loadRedfishSharedData() (the shared folder next to the repository). */
  shared?: RedfishSharedData;
}

const books = new WeakMap<RedfishSharedData, MessageBook>();

function bookFor(shared: RedfishSharedData): MessageBook {
  let book = books.get(shared);
  if (!book) books.set(shared, (book = new MessageBook(shared)));
  return book;
}

const UNSUPPORTED_QUERY = /^(\$(expand|select|filter|levels|orderby|count|search|format|apply)|only|excerpt|includeoriginofcondition)$/;

/**
 * One simulated Redfish BMC. `handle` answers a transport-neutral request; `fetch`
 * is the same as a Fetch API handler for InProcessHttpNetwork.listen() (model
 * fidelity); serveRedfishHttps() puts it on a real HTTPS socket (wire fidelity).
 * Resources are rendered from the server and a small state on every request.
 */
/** Whether `account` holds `privilege`; a request nobody logged in to holds only what needs none. */
function mayUse(privilege: Privilege, account: Account | undefined): boolean {
  return privilege === 'None' || (account !== undefined && ROLE_PRIVILEGES[account.role].includes(privilege));
}

export class RedfishBmc implements Disposable {
  /** @internal The BMC's state; resource renderers read it. */
  readonly state: BmcState;
  readonly fetch = (request: Request): Promise<Response> => this.handleFetch(request);
  /** The same answers as `fetch`, to an HTTP message as plain data (InProcessHttpNetwork.send). */
  readonly message = (message: HttpMessage): Promise<HttpMessageReply> => this.handleMessage(message);

  constructor(options: RedfishBmcOptions) {
    const flavour = typeof options.flavour === 'string' ? redfishFlavour(options.flavour) : options.flavour;
    const server = options.server;
    const name = options.name ?? server.name.replace(/^node:/, '');
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(name)) throw new InvalidTwinConfigError(`name: ${JSON.stringify(name)} is not a BMC name — use letters, digits and . _ : -, e.g. r1-s3`);
    const shared = options.shared ?? loadRedfishSharedData();
    const accounts = [{ ...options.credentials, role: 'Administrator' as Role }, ...(options.accounts ?? [])].map((a, i): Account => {
      if (typeof a.user !== 'string' || a.user === '') throw new InvalidTwinConfigError(`accounts[${i}].user: is empty — give the account a user name`);
      if (typeof a.password !== 'string' || a.password === '') throw new InvalidTwinConfigError(`accounts[${i}].password: is empty — give the account a password`);
      return { id: String(flavour.ids.firstAccountId + i), user: a.user, password: a.password, role: a.role, enabled: true };
    });
    this.state = new BmcState(
      name,
      flavour,
      server,
      options.clock,
      options.random.fork('redfish'),
      options.faults,
      shared,
      bookFor(shared),
      flavourRouter(flavour),
      options.hardware === undefined ? DEFAULT_HARDWARE : checkHardware(options.hardware),
      options.network,
      accounts,
      options.licenses ?? [],
    );
  }

  get name(): string {
    return this.state.name;
  }

  get flavour(): RedfishFlavour {
    return this.state.flavour;
  }

  /** Serves this BMC at `HOST:PORT` on the in-process network, as fault target `bmc:<name>`. */
  listen(network: InProcessHttpNetwork, address: string): Disposable {
    return network.listen(address, this.fetch, { name: this.state.faultTarget, messages: this.message });
  }

  dispose(): void {
    this.state.dispose();
  }

  async handle(req: RedfishRequest): Promise<RedfishReply> {
    const state = this.state;
    // `hang`: the BMC's web server stops answering for a while (a reloading iDRAC), then carries on.
    const hang = state.faults?.strike(state.faultTarget, ['hang']);
    if (hang) {
      const ms = hang.kind === 'hang' ? Number(hang.params?.durationMs ?? 600_000) : 0;
      await state.clock.sleep(ms);
    }
    try {
      return await this.dispatch(req);
    } catch (error) {
      if (error instanceof RedfishProblem) {
        const headers: Record<string, string> = { ...error.headers };
        if (error.status === 401) headers['WWW-Authenticate'] = 'Basic realm="Redfish"';
        if (error.status === 405) headers.Allow ??= '';
        const reply = jsonReply(error.status, errorBody(state.book, error.messages), headers);
        return req.method === 'HEAD' ? { status: reply.status, headers: reply.headers } : reply;
      }
      // A bug in the simulated BMC: answer as a crashing web server would, and say what broke.
      const message = error instanceof Error ? error.message : String(error);
      return jsonReply(500, errorBody(state.book, [{ ...state.book.make('InternalError'), Resolution: message }]));
    }
  }

  private async dispatch(req: RedfishRequest): Promise<RedfishReply> {
    const state = this.state;
    const { book } = state;
    const method = req.method.toUpperCase();
    const path = canonicalPath(req.path);
    const match = state.router.match(path);
    if (!match) throw new RedfishProblem(404, [book.make('ResourceMissingAtURI', [req.path])]);
    const { route, params } = match;
    const asMethod = (method === 'HEAD' ? 'GET' : method) as Method;
    const handler = route.handlers[asMethod];
    if (!handler) throw new RedfishProblem(405, [book.make('OperationNotAllowed')], { Allow: allowedMethods(route).join(', ') });

    const query = new URLSearchParams(req.query);
    for (const key of query.keys()) {
      if (key === '$expand' && state.flavour.expand) continue;
      if (UNSUPPORTED_QUERY.test(key)) throw new RedfishProblem(501, [book.make('QueryParameterUnsupported', [key])]);
    }
    const expandValue = asMethod === 'GET' ? query.get('$expand') : null;
    if (expandValue !== null && state.flavour.expand?.refusedOnSystem === true && path === `/redfish/v1/Systems/${state.flavour.ids.system}`) {
      throw new RedfishProblem(400, [book.make('QueryNotSupportedOnResource')]);
    }
    const expand = expandValue === null || !state.flavour.expand ? undefined : expandRequest(expandValue, state.flavour.expand, book);

    const privilege: Privilege = route.privileges?.[asMethod] ?? (asMethod === 'GET' ? 'Login' : 'ConfigureComponents');
    const { account, session } = privilege === 'None' ? { account: undefined, session: undefined } : this.authenticate(req);
    if (!mayUse(privilege, account)) throw new RedfishProblem(403, [book.make('InsufficientPrivilege')]);
    if (asMethod !== 'GET' && req.body.trim() !== '') {
      const type = req.header('content-type');
      if (type !== undefined && !/application\/json/i.test(type)) throw new RedfishProblem(415, [book.make('UnrecognizedRequestBody')]);
    }
    const ctx: RouteContext = { state, req, path, params, account, session };

    const ifMatch = req.header('if-match');
    if (ifMatch !== undefined && asMethod !== 'GET' && route.handlers.GET) {
      const current = await route.handlers.GET(ctx);
      const etag = current.body === undefined ? undefined : etagOf(current.body);
      const wanted = ifMatch.split(',').map((t) => t.trim());
      if (!wanted.includes('*') && (etag === undefined || !wanted.includes(etag))) throw new RedfishProblem(412, [book.make('PreconditionFailed')]);
    }

    let reply = await handler(ctx);
    if (asMethod !== 'GET') return reply;
    if (/(^|&)\$(top|skip)=/.test(req.query)) reply = page(ctx, reply);
    if (expand && reply.status === 200 && reply.body !== undefined) {
      const reader = account === undefined ? this.loginIfOffered(ctx) : ctx;
      reply = { ...reply, body: JSON.stringify(await expandResource(JSON.parse(reply.body) as Json, expand, (target) => this.expandedRead(reader, target))) };
    }
    const headers: Record<string, string> = { ...reply.headers, Allow: allowedMethods(route).join(', ') };
    if (reply.status === 200 && reply.body !== undefined) {
      const etag = etagOf(reply.body);
      headers.ETag = etag;
      const none = req.header('if-none-match');
      if (none !== undefined && none.split(',').some((t) => t.trim() === etag)) return emptyReply(304, { ETag: etag });
    }
    return method === 'HEAD' ? { status: reply.status, headers } : { ...reply, headers };
  }

  /**
   * A resource read on the behalf of an `$expand`: by the account the request
   * already authenticated as (once, so a credentials fault strikes the request,
   * not each member), the resource as its own GET handler answers it. A
   * reference the service cannot answer, or this account may not read, stays
   * a reference, as on a real service.
   */
  private async expandedRead(ctx: RouteContext, target: string): Promise<Json | undefined> {
    const path = canonicalPath(target.split('?', 1)[0]!);
    const match = this.state.router.match(path);
    const read = match?.route.handlers.GET;
    if (!match || !read) return undefined;
    if (!mayUse(match.route.privileges?.GET ?? 'Login', ctx.account)) return undefined;
    try {
      const reply = await read({ ...ctx, path, params: match.params, req: { ...ctx.req, method: 'GET', path, query: '', body: '' } });
      return reply.status === 200 && reply.body !== undefined ? (JSON.parse(reply.body) as Json) : undefined;
    } catch (error) {
      if (error instanceof RedfishProblem) return undefined;
      throw error;
    }
  }

  /**
   * A request to a resource that needs no login, about to expand members that
   * may: it reads them as the account its credentials name, checked once, and
   * with none (or wrong ones) as nobody, so those members stay links.
   */
  private loginIfOffered(ctx: RouteContext): RouteContext {
    if (ctx.req.header('x-auth-token') === undefined && ctx.req.header('authorization') === undefined) return ctx;
    try {
      return { ...ctx, ...this.authenticate(ctx.req) };
    } catch (error) {
      if (error instanceof RedfishProblem) return ctx;
      throw error;
    }
  }

  private authenticate(req: RedfishRequest): { account: Account; session: Session | undefined } {
    const state = this.state;
    const { book } = state;
    const now = state.clock.now();
    const token = req.header('x-auth-token');
    if (token !== undefined) {
      const session = state.sessions.byToken(token, now);
      const account = session && state.accounts.find((a) => a.user === session.user && a.enabled);
      if (!session || !account) throw new RedfishProblem(401, [book.make('NoValidSession')]);
      return { account, session };
    }
    const auth = req.header('authorization');
    const basic = auth === undefined ? undefined : /^Basic\s+(\S+)$/i.exec(auth)?.[1];
    if (basic !== undefined) {
      const text = Buffer.from(basic, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      const wrong = state.faults?.strike(state.faultTarget, ['wrong-credentials']) !== undefined;
      const account = colon < 0 || wrong ? undefined : authenticate(state, text.slice(0, colon), text.slice(colon + 1));
      if (account) return { account, session: undefined };
    }
    throw new RedfishProblem(401, [book.make('NoValidSession')]);
  }

  private async handleFetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const reply = await this.handle({
      method: request.method,
      path: url.pathname,
      query: url.search.slice(1),
      header: (name) => request.headers.get(name) ?? undefined,
      body,
    });
    return toResponse(reply);
  }

  private async handleMessage(message: HttpMessage): Promise<HttpMessageReply> {
    const reply = await this.handle({ method: message.method, ...pathAndQuery(message.url), header: (name) => message.headers[name], body: message.body ?? '' });
    if (reply.stream) {
      // An event stream has no end to read up to: only a streaming client (fetch) can take it.
      throw new TwinError('STREAM_NOT_A_MESSAGE', `Failed to answer ${message.method} ${message.url} as a whole message: it is an event stream — read it with fetch`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.headers)) headers[name.toLowerCase()] = value;
    return { status: reply.status, headers, body: reply.body ?? '' };
  }
}

/** The part of an absolute URL after the origin: path, and query without its `?`. */
function pathAndQuery(url: string): { path: string; query: string } {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const rest = start < 0 ? '/' : url.slice(start).split('#', 1)[0]!;
  const mark = rest.indexOf('?');
  return mark < 0 ? { path: rest, query: '' } : { path: rest.slice(0, mark), query: rest.slice(mark + 1) };
}

/** `$top`/`$skip` over a collection's Members; `Members@odata.count` stays the total, as DSP0266 says. */
function page(ctx: RouteContext, reply: RedfishReply): RedfishReply {
  const body = reply.body === undefined ? undefined : (JSON.parse(reply.body) as Record<string, unknown>);
  if (!body || !Array.isArray(body.Members)) throw new RedfishProblem(400, [ctx.state.book.make('QueryNotSupportedOnResource')]);
  const ids = (body.Members as { '@odata.id': string }[]).map((m) => m['@odata.id']);
  const { members, nextLink } = pageMembers(ctx, ids);
  body.Members = members.map((id) => ({ '@odata.id': id }));
  if (nextLink !== undefined) body['Members@odata.nextLink'] = nextLink;
  return { ...reply, body: JSON.stringify(body) };
}

/** Drops one trailing slash (the service root keeps its own) and decodes escapes. */
function canonicalPath(raw: string): string {
  let path = raw;
  try {
    path = decodeURI(raw);
  } catch {
    // Malformed escapes stay as they are: the path then matches no route.
  }
  if (path === '/redfish/v1') return '/redfish/v1/';
  if (path.length > 1 && path.endsWith('/') && path !== '/redfish/v1/') path = path.slice(0, -1);
  return path;
}

/** A strong ETag over the rendered body: it changes exactly when the resource does. */
export function etagOf(body: string): string {
  return `"${createHash('md5').update(body).digest('base64url').slice(0, 16)}"`;
}

function toResponse(reply: RedfishReply): Response {
  const headers = new Headers(reply.headers);
  if (reply.stream) {
    const encoder = new TextEncoder();
    let subscription: Disposable | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        subscription = reply.stream?.open(
          (chunk) => controller.enqueue(encoder.encode(chunk)),
          () => controller.close(),
        );
      },
      cancel() {
        void subscription?.dispose();
      },
    });
    return new Response(body, { status: reply.status, headers });
  }
  const empty = reply.status === 204 || reply.status === 304 || reply.body === undefined;
  return new Response(empty ? null : reply.body, { status: reply.status, headers });
}

