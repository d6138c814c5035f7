import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AGENT_SCRIPT, AGENT_TOKEN_PREFIX, mintToken, tokenDigest } from '../agent/index.js';
import { bearerToken, validationBody } from '../api/index.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { retryOnConflict, type BootIntent, type BootTokenRecord, type EventInput, type NodeProvisioning, type NodeRecord, type Store, type Versioned } from '../store/index.js';
import { DiscoveryBody, MAC_PATTERN, type DiscoveryFacts } from './discovery-facts.js';
import { ProvisionerError } from './errors.js';
import { bootstrapScript, discoverScript, installScript, localScript, wipeScript } from './ipxe.js';
import { matchDiscovery, nodeByMac } from './node-match.js';
import { disksLeftOut, WipeReport } from './wipe-report.js';

export interface ProvisionerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  /** `B`: the boot server's base URL as machines reach it, e.g. `http://10.0.0.1:8080` (no trailing slash). */
  readonly bootUrl: string;
  /** The orchestrator API the agent calls (HTTPS), e.g. `https://10.0.0.1:8443`. */
  readonly agentApi: string;
  /** The orchestrator CA's certificate: the installer gives it to the agent to check `agentApi` with. */
  readonly caCertificatePem: string;
  /** How long an install token works after the install script carrying it was served. */
  readonly installTokenTtlMs: number;
  /** How long a wipe token works after the wipe script carrying it was served: the whole erase, since the image reports at the end. */
  readonly wipeTokenTtlMs: number;
}

/** What the lifecycle asks of a node's next network boot. */
export type BootIntentInput = BootIntent;

const INSTALL_TOKEN_PREFIX = 'drilli_';
const WIPE_TOKEN_PREFIX = 'drillw_';
const WORD = /^[a-z0-9][a-z0-9.-]{0,31}$/;

const InstallDone = z.discriminatedUnion(
  'status',
  [
    z.object({ status: z.literal('ok') }).strict(),
    z.object({ status: z.literal('failed'), message: z.string({ error: 'message must say why the install failed — e.g. "no disk with serial S3…"' }).max(4096, { error: 'message must be at most 4096 characters' }) }).strict(),
  ],
  { error: 'status must be "ok" or "failed" — {"status": "ok"} or {"status": "failed", "message": "…"}' },
);

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function problem(status: number, field: string | undefined, message: string, fix: string): Response {
  return json(status, { ...(field ? { field } : {}), problem: message, fix });
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

type TokenProblem = 'unknown' | 'already used' | 'expired';

/** The issued one-time token when `token` is it and it still works now, else what is wrong with it. */
function usableToken(issued: BootTokenRecord | undefined, token: string, now: number): BootTokenRecord | TokenProblem {
  if (!issued || !sameDigest(issued.sha256, tokenDigest(token))) return 'unknown';
  if (issued.usedAtMs !== undefined) return 'already used';
  return now > issued.expiresAtMs ? 'expired' : issued;
}

function refuseToken(kind: 'install' | 'wipe', node: string, what: TokenProblem): Response {
  return what === 'unknown'
    ? problem(401, undefined, `unknown ${kind} token`, `send Authorization: Bearer <drill.token from the kernel line of ${node}'s ${kind} script>`)
    : problem(401, undefined, `${kind} token ${what}`, `boot ${node} again from the network: its new ${kind} script carries a new token`);
}

/** The record without the given optional provisioning fields (exactOptionalPropertyTypes: absent, not undefined). */
function without(p: NodeProvisioning, ...keys: ReadonlyArray<keyof NodeProvisioning>): NodeProvisioning {
  const copy: Record<string, unknown> = { ...p };
  for (const key of keys) delete copy[key];
  return copy as unknown as NodeProvisioning;
}

/** A 4xx/5xx the boot endpoints answer with, thrown from deep inside a handler. */
class Refusal extends Error {
  constructor(readonly response: Response) {
    super(`refused with ${response.status}`);
  }
}

/** The node name in an install path, decoded. */
function nodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new Refusal(problem(400, 'path.node', `${segment} is not a valid URL path segment`, 'use the node name from the kernel line (drill.node)'));
  }
}

/** The request's JSON body as `schema` reads it, or a Refusal: 400 naming the field. */
async function jsonBody<T>(request: Request, schema: z.ZodType<T>, fix: string): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    throw new Refusal(problem(400, '(body)', 'the body is not valid JSON', fix));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Refusal(json(400, validationBody(parsed.error, 'body')));
  return parsed.data;
}

/**
 * The boot server of docs/provisioning.md: one `(Request) => Promise<Response>`
 * for every `B/boot/…` endpoint, mounted on a real HTTP listener
 * (`serveProvisioner`) or on an in-process network, and the controls the
 * node lifecycle drives it with (`setBootIntent`, `revoke`). Every change is
 * a compare-and-set on the node record with its event; tokens are kept only
 * as SHA-256.
 */
export class Provisioner {
  private readonly options: ProvisionerOptions;
  private readonly basePath: string;

  constructor(options: ProvisionerOptions) {
    let base: URL;
    try {
      base = new URL(options.bootUrl);
    } catch (error) {
      throw new ProvisionerError('PROVISIONER_BAD_CONFIG', `bootUrl: ${options.bootUrl} is not a URL — e.g. http://10.0.0.1:8080`, { cause: error });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ProvisionerError('PROVISIONER_BAD_CONFIG', `bootUrl: ${options.bootUrl} must be http:// or https:// — iPXE fetches it`);
    if (options.bootUrl.endsWith('/') || base.search !== '' || base.hash !== '') {
      throw new ProvisionerError('PROVISIONER_BAD_CONFIG', `bootUrl: ${options.bootUrl} must have no trailing slash, query or fragment — e.g. http://10.0.0.1:8080`);
    }
    for (const key of ['installTokenTtlMs', 'wipeTokenTtlMs'] as const) {
      if (!(options[key] > 0)) throw new ProvisionerError('PROVISIONER_BAD_CONFIG', `${key}: ${options[key]} — use a duration in milliseconds > 0, e.g. 3600000`);
    }
    this.options = options;
    this.basePath = base.pathname === '/' ? '' : base.pathname;
  }

  /** The iPXE ISO a BMC mounts as virtual media where there is no PXE (docs/provisioning.md "Virtual media instead of PXE"). */
  get virtualMediaImageUrl(): string {
    return `${this.options.bootUrl}/images/ipxe/drill.iso`;
  }

  /** Every `B/boot/…` endpoint; anything else is 404. */
  readonly handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${this.basePath}/boot/`)) return this.notFound(request, url);
    const path = url.pathname.slice(this.basePath.length);
    const install = /^\/boot\/install\/([^/]+)\/(plan|done)$/.exec(path);
    const wipe = /^\/boot\/wipe\/([^/]+)\/done$/.exec(path);
    try {
      if (request.method === 'GET' && path === '/boot/ipxe') return await this.ipxe(url.searchParams.get('mac'));
      if (request.method === 'POST' && path === '/boot/discovery') return await this.discovery(request);
      if (request.method === 'GET' && path === '/boot/agent.sh') return text(200, AGENT_SCRIPT, { 'content-type': 'text/x-shellscript; charset=utf-8' });
      if (request.method === 'GET' && install?.[2] === 'plan') return await this.plan(nodeName(install[1]!), request);
      if (request.method === 'POST' && install?.[2] === 'done') return await this.done(nodeName(install[1]!), request);
      if (request.method === 'POST' && wipe) return await this.wiped(nodeName(wipe[1]!), request);
    } catch (error) {
      if (error instanceof Refusal) return error.response;
      throw error;
    }
    return this.notFound(request, url);
  };

  /** Sets what `node`'s next network boot gets; any install or wipe token out for it stops working. */
  setBootIntent(node: string, intent: BootIntentInput): Promise<void> {
    return this.changeBoot(node, intent, { revokeAgent: false });
  }

  /**
   * Revokes the node's agent, install and wipe tokens (decommission), and sets
   * its next network boot, in one commit: its agent gets 401 and exits.
   */
  revoke(node: string, next: BootIntentInput): Promise<void> {
    return this.changeBoot(node, next, { revokeAgent: true });
  }

  private async changeBoot(node: string, intent: BootIntentInput, { revokeAgent }: { readonly revokeAgent: boolean }): Promise<void> {
    checkIntent(intent);
    const dropped: Array<keyof NodeProvisioning> = ['installToken', 'installFailure', 'wipeToken', 'wipeFailure'];
    if (revokeAgent) dropped.push('agentTokenSha256', 'agentSeenAtMs');
    await this.update(node, (current) => ({
      provisioning: { ...without(current.provisioning ?? { boot: intent }, ...dropped), boot: intent },
      events: [...(revokeAgent ? [{ type: 'node.agent-revoked', subject: node, data: {} }] : []), intentEvent(node, intent)],
    }));
  }

  private notFound(request: Request, url: URL): Response {
    return problem(404, undefined, `no boot endpoint ${request.method} ${url.pathname}`, 'see docs/provisioning.md for the endpoints under B/boot/');
  }

  private async ipxe(rawMac: string | null): Promise<Response> {
    const { bootUrl } = this.options;
    if (rawMac === null) return text(200, bootstrapScript(bootUrl));
    const mac = rawMac.toLowerCase();
    if (!MAC_PATTERN.test(mac)) return problem(400, 'query.mac', `${rawMac} is not a MAC address`, 'give six hex pairs separated by colons — e.g. mac=52:54:00:12:34:56');
    return retryOnConflict(async () => {
      const node = nodeByMac((await this.options.store.nodes()), mac);
      if (!node) return text(200, discoverScript(bootUrl, mac));
      const provisioning = node.value.provisioning;
      const intent = provisioning?.boot ?? { kind: 'local' };
      switch (intent.kind) {
        case 'discover':
          return text(200, discoverScript(bootUrl, mac));
        case 'local':
          return text(200, localScript(provisioning?.installedAtMs === undefined ? `nothing to do for ${node.value.name}` : `${node.value.name} is installed`));
        case 'install': {
          const token = await this.issueBootToken(node, 'installToken', INSTALL_TOKEN_PREFIX, this.options.installTokenTtlMs, (expiresAtMs) => ({ type: 'node.install-token', data: { mac, os: intent.os, expiresAtMs } }));
          return text(200, installScript(bootUrl, intent.os, node.value.name, token));
        }
        case 'wipe': {
          // Its token must outlive the erase: the image reports at the end.
          const token = await this.issueBootToken(node, 'wipeToken', WIPE_TOKEN_PREFIX, this.options.wipeTokenTtlMs, (expiresAtMs) => ({ type: 'node.wipe-token', data: { mac, expiresAtMs } }));
          return text(200, wipeScript(bootUrl, node.value.name, token));
        }
      }
    });
  }

  private async discovery(request: Request): Promise<Response> {
    const { mac, facts } = await jsonBody(request, DiscoveryBody, 'send a JSON object {mac, facts} with Content-Type: application/json');
    return retryOnConflict(async () => {
      const matched = matchDiscovery((await this.options.store.nodes()), mac, facts);
      if (!matched) {
        // Nobody owns this machine yet: its facts are kept in the event log, against the MAC.
        await this.options.store.commit([], [{ type: 'machine.discovered', subject: `mac:${mac}`, data: { mac, facts } }]);
        return json(200, { node: null });
      }
      const { node, by } = matched;
      const provisioning = node.value.provisioning ?? { boot: { kind: 'local' } };
      // The NICs the machine itself reports: how its next boot finds it when the BMC listed no MACs (IPMI-only gear).
      const macs = [...new Set([...(provisioning.macs ?? []), mac, ...facts.nics.map((nic) => nic.mac)])];
      await this.commit(node, { ...provisioning, macs, facts: facts as DiscoveryFacts & Record<string, unknown>, discoveredAtMs: this.options.clock.now() }, [
        { type: 'node.discovered', subject: node.value.name, data: { mac, matchedBy: by, nics: facts.nics.length, disks: facts.disks.length, memoryMiB: facts.memoryMiB } },
      ]);
      return json(200, { node: node.value.name });
    });
  }

  private async plan(name: string, request: Request): Promise<Response> {
    const token = bearerToken(request.headers.get('authorization') ?? undefined) ?? '';
    return retryOnConflict(async () => {
      const node = await this.node(name);
      const provisioning = node.value.provisioning;
      if (provisioning?.boot.kind !== 'install') return refuseToken('install', name, 'unknown');
      const now = this.options.clock.now();
      const issued = usableToken(provisioning.installToken, token, now);
      if (typeof issued === 'string') return refuseToken('install', name, issued);
      const agent = mintToken(this.options.random, AGENT_TOKEN_PREFIX);
      const { os } = provisioning.boot;
      await this.commit(node, { ...without(provisioning, 'agentSeenAtMs'), installToken: { ...issued, usedAtMs: now }, agentTokenSha256: agent.sha256 }, [
        { type: 'node.install-plan', subject: name, data: { os } },
      ]);
      return json(200, {
        node: name,
        os,
        ...rootDisk(node.value, provisioning),
        hostname: name,
        agent: { api: this.options.agentApi, token: agent.token, script: `${this.options.bootUrl}/boot/agent.sh`, caCertificatePem: this.options.caCertificatePem },
      });
    });
  }

  private done(name: string, request: Request): Promise<Response> {
    return this.report(name, request, InstallDone, 'send {"status": "ok"} or {"status": "failed", "message": "…"}', async (node, report, token) => {
      const provisioning = node.value.provisioning;
      if (!provisioning?.agentTokenSha256 || !sameDigest(provisioning.agentTokenSha256, tokenDigest(token))) {
        return problem(401, undefined, 'unknown agent token', `send Authorization: Bearer <agent.token from ${name}'s install plan>`);
      }
      const os = provisioning.boot.kind === 'install' ? provisioning.boot.os : undefined;
      if (report.status === 'ok') {
        await this.commit(node, { ...without(provisioning, 'installFailure'), boot: { kind: 'local' }, installedAtMs: this.options.clock.now() }, [
          { type: 'node.installed', subject: name, data: { ...(os ? { os } : {}) } },
        ]);
        return json(200, { node: name, boot: 'local' });
      }
      await this.commit(node, { ...provisioning, installFailure: report.message }, [{ type: 'node.install-failed', subject: name, data: { message: report.message } }]);
      return json(200, { node: name, boot: provisioning.boot.kind });
    });
  }

  /**
   * The wipe image's report. `ok` leaves the node's next network boot on
   * discover, never local: its disks are blank, so firmware handed back to
   * would find nothing to boot (docs/provisioning.md). Whatever the status,
   * the token is used up: another try is another boot with a new script.
   */
  private wiped(name: string, request: Request): Promise<Response> {
    const fix = 'send {"status": "ok", "disks": [{"name": "sda", "serial": "…", "sizeBytes": 480103981056}]} or {"status": "failed", "message": "…"}';
    return this.report(name, request, WipeReport, fix, async (node, report, token) => {
      const provisioning = node.value.provisioning;
      if (!provisioning) return refuseToken('wipe', name, 'unknown');
      const now = this.options.clock.now();
      // A token is dropped whenever the intent changes, so one not yet used belongs to a wipe under way.
      const issued = usableToken(provisioning.wipeToken, token, now);
      if (typeof issued === 'string') return refuseToken('wipe', name, issued);
      const used = { ...provisioning, wipeToken: { ...issued, usedAtMs: now } };
      const fail = async (failure: string): Promise<Response> => {
        await this.commit(node, { ...used, wipeFailure: failure }, [{ type: 'node.wipe-failed', subject: name, data: { message: failure } }]);
        return json(200, { node: name, boot: 'wipe' });
      };
      if (report.status === 'failed') return fail(report.message);
      const missed = disksLeftOut((provisioning.facts as DiscoveryFacts | undefined)?.disks ?? [], report.disks);
      if (missed.length > 0) return fail(`the report leaves out disks discovery saw: ${missed.join(', ')}`);
      // Nothing the disks held is left: no installed OS, no agent that could call in.
      const blank = without(used, 'wipeFailure', 'installedAtMs', 'installFailure', 'installToken', 'agentTokenSha256', 'agentSeenAtMs');
      await this.commit(node, { ...blank, boot: { kind: 'discover' }, wipedAtMs: now }, [{ type: 'node.wiped', subject: name, data: { disks: report.disks.map((d) => d.name) } }]);
      return json(200, { node: name, boot: 'discover' });
    });
  }

  /** A booted image's report: its bearer token and its body as `schema` reads it, decided on the node as it is now (again after a lost compare-and-set). */
  private async report<T>(name: string, request: Request, schema: z.ZodType<T>, fix: string, decide: (node: Versioned<NodeRecord>, report: T, token: string) => Promise<Response>): Promise<Response> {
    const token = bearerToken(request.headers.get('authorization') ?? undefined) ?? '';
    const report = await jsonBody(request, schema, fix);
    return retryOnConflict(async () => decide(await this.node(name), report, token));
  }

  private async node(name: string): Promise<Versioned<NodeRecord>> {
    const node = (await this.options.store.nodes()).get(name);
    if (!node) throw new Refusal(problem(404, 'path.node', `node ${name} does not exist`, 'use the node name from the kernel line (drill.node)'));
    return node;
  }

  /**
   * A token per script served: only its hash is kept, so each boot gets a fresh
   * one and the last one served is the one that works. Returns the token.
   */
  private async issueBootToken(
    node: Versioned<NodeRecord>,
    field: 'installToken' | 'wipeToken',
    prefix: string,
    ttlMs: number,
    event: (expiresAtMs: number) => Omit<EventInput, 'subject'>,
  ): Promise<string> {
    const { token, sha256 } = mintToken(this.options.random, prefix);
    const expiresAtMs = this.options.clock.now() + ttlMs;
    await this.commit(node, { ...node.value.provisioning!, [field]: { sha256, expiresAtMs } }, [{ ...event(expiresAtMs), subject: node.value.name }]);
    return token;
  }

  private async commit(node: Versioned<NodeRecord>, provisioning: NodeProvisioning, events: EventInput[]): Promise<void> {
    await this.options.store.commit([{ kind: 'node', value: { ...node.value, provisioning }, expectedVersion: node.version }], events);
  }

  private async update(name: string, change: (current: NodeRecord) => { provisioning: NodeProvisioning; events: EventInput[] }): Promise<void> {
    await retryOnConflict(async () => {
      const node = (await this.options.store.nodes()).get(name);
      if (!node) throw new ProvisionerError('PROVISIONER_UNKNOWN_NODE', `Failed to change the boot of ${name}: no such node — enroll it or create it first`);
      const { provisioning, events } = change(node.value);
      await this.commit(node, provisioning, events);
    });
  }
}

interface DiskChoice {
  readonly serial?: string | undefined;
  readonly name?: string | undefined;
  readonly sizeBytes: number;
  readonly rotational: boolean;
}

/** Solid-state before spinning, then the smallest: a boot disk should not take the big data disk. */
function smallestSolidState(disks: readonly DiskChoice[]): DiskChoice | undefined {
  return disks.filter((d) => d.sizeBytes > 0).sort((a, b) => Number(a.rotational) - Number(b.rotational) || a.sizeBytes - b.sizeBytes)[0];
}

/**
 * The disk to install on: the one the lifecycle named, else the pick among
 * the disks discovery saw, else among the drives the BMC listed (with a serial).
 */
function rootDisk(node: NodeRecord, provisioning: NodeProvisioning): { rootDisk?: { serial: string } | { name: string } } {
  if (provisioning.boot.kind === 'install' && provisioning.boot.rootDiskSerial) return { rootDisk: { serial: provisioning.boot.rootDiskSerial } };
  const seen = ((provisioning.facts as DiscoveryFacts | undefined)?.disks ?? []).map((d) => ({ serial: d.serial, name: d.name, sizeBytes: d.sizeBytes, rotational: d.rotational === true }));
  const listed = (node.inventory?.hardware?.drives ?? [])
    .filter((d) => d.serialNumber)
    .map((d) => ({ serial: d.serialNumber, sizeBytes: d.capacityBytes ?? 0, rotational: d.mediaType?.toUpperCase() === 'HDD' }));
  const pick = smallestSolidState(seen) ?? smallestSolidState(listed);
  if (pick?.serial) return { rootDisk: { serial: pick.serial } };
  return pick?.name ? { rootDisk: { name: pick.name } } : {};
}

function checkIntent(intent: BootIntentInput): void {
  if (intent.kind === 'install' && !(WORD.test(intent.os.name) && WORD.test(intent.os.version))) {
    throw new ProvisionerError('PROVISIONER_BAD_INPUT', `os: ${intent.os.name}-${intent.os.version} — name and version must be lower-case words (letters, digits, . -), e.g. {name: "debian", version: "12"}`);
  }
}

function intentEvent(node: string, intent: BootIntentInput): EventInput {
  return { type: 'node.boot-intent', subject: node, data: { boot: intent.kind, ...(intent.kind === 'install' ? { os: intent.os } : {}) } };
}
