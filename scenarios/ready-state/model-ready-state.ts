/**
 * Ready state in model fidelity: a datacenter spec's twin (BMCs, machines that
 * network-boot and install, model agents) and the real orchestrator (store,
 * enroller, provisioner, agent API, annealer with the ready-state catalog) in
 * one process on one virtual clock. The orchestrator reaches the twin only over
 * the in-process network: BMCs by Redfish/IPMI, machines through the boot
 * server and the agent API, exactly the requests a real fleet makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentHub,
  AnnealerLoop,
  ApiTokens,
  CertificateAuthority,
  createApiFetchHandler,
  CredentialVault,
  nodeAccess,
  nodeRoleMove,
  nodeTeardown,
  Enroller,
  NodeControl,
  ObservedStore,
  Provisioner,
  readyStateRoles,
  RoleCatalog,
  SqliteStore,
  type EnrollResult,
  type StoredEvent,
} from '../../orchestrator/index.js';
import type { FaultSpec } from '../../sim/index.js';
import type { Datacenter } from '../../twins/index.js';
import { startModelFleet, type ModelFleet } from '../discovery/model-fleet.js';
import { enrollSpecServers } from '../twin/enroll-spec.js';

/** Where the orchestrator's API answers on the in-process network (the agents learn it from their install plan). */
const API_ADDRESS = '127.0.0.1:8443';

export interface ReadyStateModelOptions {
  readonly datacenter: Datacenter;
  readonly limit?: number;
  readonly faults?: readonly FaultSpec[];
  /** Sees every orchestrator event as it is committed (a trace, a progress display). */
  readonly onEvent?: (event: StoredEvent) => void;
  /** How long a decommission waits for the wipe report (default: decommission's own). */
  readonly wipeTimeoutMs?: number;
}

export interface ReadyStateModel {
  readonly fleet: ModelFleet;
  readonly store: ObservedStore;
  readonly enrolled: readonly EnrollResult[];
  /** Calls the orchestrator's API as an operator would (admin token), over the in-process network. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Runs the virtual clock until every node-role of `deployment` is active or in error (or `timeoutMs` of virtual time passes). */
  settle(deployment: string, timeoutMs: number): Promise<void>;
  /**
   * Runs the virtual clock until `node`'s wipe ends and returns the event that
   * ends it: `node.lifecycle` to wiped, or `node.decommission-failed`. Call it
   * right after the decommission's 202: the clock has not moved since.
   */
  wipeEnded(node: string, timeoutMs: number): Promise<StoredEvent>;
  /**
   * What an orchestrator restart does to the wipes under way: the teardown is
   * closed (each wipe it waits for stops, recorded as node.decommission-failed)
   * and a fresh one answers the API from then on.
   */
  restartTeardown(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startReadyStateModel(options: ReadyStateModelOptions): Promise<ReadyStateModel> {
  const dc = options.datacenter;
  const bootServer = dc.networks.find((n) => n.role === 'provisioning')?.bootServer;
  if (!bootServer) throw new Error(`Failed to start ready state for ${dc.name}: its provisioning network has no bootServer — add one (docs/provisioning.md)`);
  const fleet = await startModelFleet({ datacenter: dc, ...(options.limit === undefined ? {} : { limit: options.limit }), ...(options.faults ? { faults: options.faults } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'drill-ready-model-'));
  const { clock } = fleet;
  const random = fleet.random.fork('orchestrator');
  const store = new ObservedStore(new SqliteStore({ path: ':memory:', clock }));
  const unsubscribe = options.onEvent ? store.subscribe(options.onEvent) : () => undefined;
  const vault = new CredentialVault({ key: Buffer.from(random.fork('vault-key').bytes(32)), random: random.fork('vault') });
  const ca = CertificateAuthority.loadOrCreate(join(dir, 'tls'), clock, random.fork('ca'));
  const tokens = new ApiTokens(join(dir, 'api-tokens.json'), random.fork('tokens'));
  const admin = tokens.issue('admin');
  const control = new NodeControl({ vault, drivers: fleet.drivers, clock });
  const access = nodeAccess(store, control, clock);
  const provisioner = new Provisioner({
    store,
    clock,
    random: random.fork('provisioner'),
    bootUrl: `http://${bootServer.address}:${bootServer.port}`,
    agentApi: `https://${API_ADDRESS}`,
    caCertificatePem: ca.certificatePem,
    installTokenTtlMs: 60 * 60_000,
    wipeTokenTtlMs: 2 * 60 * 60_000,
  });
  const agents = new AgentHub({ store, clock, random: random.fork('agents'), pollIntervalS: 10, maxHandOuts: 3, authCacheMs: 5_000 });
  const roles = readyStateRoles({ store, access, provisioner, agents });
  const catalog = new RoleCatalog(roles.specs);
  const enroller = new Enroller({ store, vault, drivers: fleet.drivers, clock });
  const newTeardown = () => nodeTeardown({ store, access, boot: provisioner, ...(options.wipeTimeoutMs === undefined ? {} : { wipeTimeoutMs: options.wipeTimeoutMs }) });
  let teardown = newTeardown();
  const handler = createApiFetchHandler({
    store,
    catalog,
    tokens,
    agents,
    // Through the variable: a restart swaps the teardown under the same API.
    teardown: { decommission: (node, reason) => teardown.decommission(node, reason), reprovision: (node) => teardown.reprovision(node) },
    version: 'model',
    bmc: { enroller, control, random: random.fork('batches') },
    onInternalError: (error) => {
      throw error;
    },
  });
  const listeners = [fleet.http.listen(`${bootServer.address}:${bootServer.port}`, provisioner.handle), fleet.http.listen(API_ADDRESS, handler)];
  const loop = new AnnealerLoop({
    store,
    catalog,
    clock,
    random: random.fork('annealer'),
    runnerFor: (role) => roles.runners.get(role)!,
    limits: { maxRunning: 1_000, maxRunningPerNode: 1, leaseMs: 10 * 60_000 },
    tickEveryMs: 5_000,
    minTickGapMs: 250,
  });
  const unkick = store.subscribe(() => loop.kick());

  const enrolled = await fleet.settle(enrollSpecServers(enroller, [...fleet.servers.values()].map(({ spec }) => spec)));
  loop.start();

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fleet.settle(
      fleet.http.fetch(`https://${API_ADDRESS}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, body: r.status === 204 ? undefined : ((await r.json()) as unknown) })),
    );
    return response;
  };

  const settle = async (deployment: string, timeoutMs: number): Promise<void> => {
    // Followed from the events, not by re-reading every node-role after each one.
    const pending = new Set<string>();
    for (const nr of (await store.snapshot()).nodeRoles.values()) {
      if (nr.value.deployment === deployment && nr.value.state.kind !== 'active' && nr.value.state.kind !== 'error') pending.add(nr.value.id);
    }
    const watcher = store.subscribe((event) => {
      if (!event.subject.startsWith(`${deployment}/`)) return;
      const to = nodeRoleMove(event)?.to;
      if (event.type === 'node-role.bound') pending.add(event.subject);
      else if (to === 'active' || to === 'error') pending.delete(event.subject);
      else if (to !== undefined) pending.add(event.subject);
    });
    try {
      await clock.runUntil(() => pending.size === 0, { timeoutMs });
    } finally {
      watcher();
    }
  };

  const wipeEnded = async (node: string, timeoutMs: number): Promise<StoredEvent> => {
    let end: StoredEvent | undefined;
    const watcher = store.subscribe((event) => {
      if (event.subject === node && (event.type === 'node.decommission-failed' || (event.type === 'node.lifecycle' && event.data['to'] === 'wiped'))) end ??= event;
    });
    try {
      await clock.runUntil(() => end !== undefined, { timeoutMs });
    } finally {
      watcher();
    }
    return end!;
  };

  return {
    fleet,
    store,
    enrolled,
    api,
    settle,
    wipeEnded,
    restartTeardown: async () => {
      await fleet.settle(teardown.close());
      teardown = newTeardown();
    },
    dispose: async () => {
      unkick();
      unsubscribe();
      await loop.stop();
      for (const listener of listeners) await listener.dispose();
      try {
        // A wipe may be mid-call to a BMC: the clock runs until it has stopped.
        await fleet.settle(teardown.close());
      } finally {
        await store.close();
        await fleet.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
