import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AnnealerLoop,
  ApiTokens,
  CertificateAuthority,
  CredentialVault,
  Enroller,
  hardwareRoles,
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
  readonly enroller: Enroller;
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
  const roles = hardwareRoles({ node: async (name) => (await store.snapshot()).nodes.get(name)?.value, withDriver: (node, work) => control.withDriver(node, work), clock });
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
    ...(options.staticMounts ? { staticMounts: options.staticMounts } : {}),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`Failed to listen on ${options.listen}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' — another process uses that port; pick another with --listen' : ''}`, 1);
  });
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
  return {
    url: server.url,
    enroller,
    stop: async () => {
      unsubscribe();
      await annealer.stop();
      await server.close();
      await store.close();
    },
  };
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
