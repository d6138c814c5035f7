import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AnnealerLoop,
  ApiTokens,
  CertificateAuthority,
  CredentialVault,
  AgentHub,
  Enroller,
  Provisioner,
  readyStateRoles,
  ROUTES,
  serveProvisioner,
  nodeAccess,
  nodeTeardown,
  type BootIntents,
  type Store,
  type StoredEvent,
  NodeControl,
  NodeHttpTransport,
  ObservedStore,
  RoleCatalog,
  SqliteStore,
  standardDriverFactory,
  startApiServer,
  type StaticMount,
} from '../../orchestrator/index.js';
import { CryptoRandom, SystemClock, UdpNetwork } from '../../sim/index.js';
import { CA_FILE, SERVER_FILE } from '../client/connection.js';
import { parseListen } from '../client/listen-address.js';
import { CliError } from '../errors.js';

export interface ServeOptions {
  listen: string;
  stateDir: string;
  bmcCa?: string;
  bmcInsecure?: boolean;
  /** Static files to serve beside the API (`drill up` serves the visualizer at /ui/). */
  staticMounts?: readonly StaticMount[];
  /** Where the boot server (iPXE scripts, install plans, the agent) listens, as HOST:PORT; without it nothing can be installed. */
  bootListen?: string;
}

const TOKENS_FILE = 'api-tokens.json';

function bmcTrust(options: ServeOptions): { caCertificates?: string[]; insecureSkipVerify?: boolean } {
  if (options.bmcCa !== undefined && options.bmcInsecure) throw new CliError('--bmc-ca and --bmc-insecure together — trust a CA or skip verification, not both', 2);
  if (options.bmcInsecure) return { insecureSkipVerify: true };
  if (options.bmcCa === undefined) return {};
  if (!existsSync(options.bmcCa)) throw new CliError(`--bmc-ca: ${options.bmcCa} does not exist — pass the PEM certificate of the CA that signed the BMCs' certificates`, 2);
  return { caCertificates: [readFileSync(options.bmcCa, 'utf8')] };
}

export interface RunningOrchestrator {
  readonly url: string;
  /** The boot server's base URL, when it serves one. */
  readonly bootUrl: string | undefined;
  readonly enroller: Enroller;
  /** Applies a deployment plan as `PUT /api/v1/deployments/{name}/plan` would (same validation, one commit), from this process. */
  applyPlan(name: string, plan: unknown): Promise<unknown>;
  /** Every event as it is committed; returns the unsubscribe function. */
  subscribe(listener: (event: StoredEvent) => void): () => void;
  /** Undo everything, in reverse order. */
  stop(): Promise<void>;
}

/**
 * The orchestrator's production wiring, in one place: the system clock, crypto
 * randomness, real sockets, the SQLite store, the CA and its HTTPS certificate,
 * API tokens, the credentials vault, the BMC drivers, the event stream and the
 * annealer with the hardware roles. Prints where it listens and, at
 * first start only, the admin token.
 */
export async function startOrchestrator(options: ServeOptions, version: string, out: (line: string) => void): Promise<RunningOrchestrator> {
  const { host, port } = parseListen(options.listen);
  const trust = bmcTrust(options);
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const clock = new SystemClock();
  const random = new CryptoRandom();
  const store = new ObservedStore(new SqliteStore({ path: join(options.stateDir, 'drill.db'), clock }));
  const ca = CertificateAuthority.loadOrCreate(join(options.stateDir, 'tls'), clock, random.fork('ca'));
  const tokens = new ApiTokens(join(options.stateDir, TOKENS_FILE), random.fork('tokens'));
  const vault = CredentialVault.inStateDir(options.stateDir, random);
  const drivers = standardDriverFactory({
    clock,
    random: random.fork('drivers'),
    httpTransport: () => new NodeHttpTransport({ ...trust, maxSockets: 2 }),
    datagram: new UdpNetwork(),
    log: { warn: (message) => out(`warning: ${message}`) },
  });
  const control = new NodeControl({ vault, drivers, clock });
  const agents = new AgentHub({ store, clock, random: random.fork('agents'), pollIntervalS: 5, maxHandOuts: 3, authCacheMs: 5_000 });
  // The provisioner needs the API's bound URL (the agents call it), so it is made once the API listens.
  let provisioner: Provisioner | undefined;
  const bootIntents: BootIntents = {
    setBootIntent: (node, intent) => {
      if (!provisioner) throw new Error(`${node} cannot be installed: this orchestrator serves no boot server — start it with --boot-listen HOST:PORT on the provisioning network`);
      return provisioner.setBootIntent(node, intent);
    },
    get virtualMediaImageUrl() {
      if (!provisioner) throw new Error('no virtual media image: this orchestrator serves no boot server — start it with --boot-listen HOST:PORT');
      return provisioner.virtualMediaImageUrl;
    },
  };
  const access = nodeAccess(store, control, clock);
  const roles = readyStateRoles({ store, access, provisioner: bootIntents, agents });
  // Read when a decommission runs: without a boot server nothing can be wiped.
  const teardown = nodeTeardown({
    store,
    access,
    get boot() {
      return provisioner;
    },
  });
  const catalog = new RoleCatalog(roles.specs);
  const annealer = new AnnealerLoop({
    store,
    catalog,
    clock,
    random: random.fork('annealer'),
    runnerFor: (role) => {
      const runner = roles.runners.get(role);
      if (!runner) throw new Error(`Invariant violated: the catalog has role ${role} but no runner for it`);
      return runner;
    },
    limits: { maxRunning: 64, maxRunningPerNode: 1, leaseMs: 10 * 60_000 },
    tickEveryMs: 5_000,
    minTickGapMs: 250,
  });
  const enroller = new Enroller({ store, vault, drivers, clock });
  const server = await startApiServer({
    host,
    port,
    store,
    catalog,
    tokens,
    version,
    tls: ca.issueServerCertificate([...new Set([host, '127.0.0.1', 'localhost'])]),
    onInternalError: (error) => process.stderr.write(`drill serve: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    bmc: { enroller, control, random: random.fork('batches') },
    agents,
    teardown,
    ...(options.staticMounts ? { staticMounts: options.staticMounts } : {}),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`Failed to listen on ${options.listen}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' — another process uses that port; pick another with --listen' : ''}`, 1);
  });
  const boot = options.bootListen === undefined ? undefined : await startBootServer(options.bootListen, { store, clock, random, agentApi: server.url, ca, out }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  provisioner = boot?.provisioner;
  const unsubscribe = store.subscribe(() => annealer.kick());
  annealer.start();
  writeFileSync(join(options.stateDir, SERVER_FILE), `${JSON.stringify({ url: server.url }, null, 2)}\n`);

  out(`orchestrator listening on ${server.url}`);
  out(`state in ${options.stateDir} (SQLite store, CA certificate ${join(options.stateDir, CA_FILE)}, credentials vault)`);
  if (tokens.count === 0) {
    out(`admin API token (shown this once; export it as DRILL_TOKEN): ${tokens.issue('admin')}`);
  } else {
    out(`API tokens: ${tokens.count} in ${join(options.stateDir, TOKENS_FILE)} (the admin token was shown at first start)`);
  }
  out(`event stream: ${server.url.replace(/^http/, 'ws')}/api/v1/events/stream`);
  if (boot) out(`boot server (iPXE per MAC, install plans, the node agent): ${boot.url}/boot/ipxe`);
  const planRoute = ROUTES.find((r) => r.method === 'put' && r.path === '/api/v1/deployments/{name}/plan')!;
  return {
    url: server.url,
    bootUrl: boot?.url,
    enroller,
    applyPlan: async (name, plan) => (await planRoute.handle({ store, catalog, version }, { params: { name }, query: undefined, body: planRoute.body!.parse(plan) })).body,
    subscribe: (listener) => store.subscribe(listener),
    stop: async () => {
      unsubscribe();
      await annealer.stop();
      await boot?.close();
      await server.close();
      // After the API (no new wipe can start), before the store (the stopped wipes record their event in it).
      try {
        await teardown.close();
      } finally {
        await store.close();
      }
    },
  };
}

/** The provisioner's boot endpoints on their own plain-HTTP listener (docs/provisioning.md: network boot has no TLS). */
async function startBootServer(
  listen: string,
  deps: { store: Store; clock: SystemClock; random: CryptoRandom; agentApi: string; ca: CertificateAuthority; out: (line: string) => void },
): Promise<{ provisioner: Provisioner; url: string; close(): Promise<void> }> {
  const { host, port } = parseListen(listen);
  let provisioner: Provisioner | undefined;
  const served = await serveProvisioner({
    host,
    port,
    handle: (request) => provisioner!.handle(request),
    onInternalError: (error) => deps.out(`drill serve: boot server internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`Failed to serve boot on ${listen}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' — another process uses that port; pick another with --boot-listen' : ''}`, 1);
  });
  provisioner = new Provisioner({
    store: deps.store,
    clock: deps.clock,
    random: deps.random.fork('provisioner'),
    bootUrl: served.url,
    agentApi: deps.agentApi,
    caCertificatePem: deps.ca.certificatePem,
    installTokenTtlMs: 60 * 60_000,
    wipeTokenTtlMs: 2 * 60 * 60_000,
  });
  return { provisioner, url: served.url, close: () => served.close() };
}

/** `drill serve`: the orchestrator until interrupted. */
export async function serve(options: ServeOptions, version: string, out: (line: string) => void, stop: Promise<void>): Promise<number> {
  out('drill serve');
  const orchestrator = await startOrchestrator(options, version, out);
  out('serving until interrupted (Ctrl-C)…');
  await stop;
  await orchestrator.stop();
  out('orchestrator stopped');
  return 0;
}
