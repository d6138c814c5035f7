/**
 * A TEST PEER, not the orchestrator: the smallest boot server and agent API
 * that follow docs/provisioning.md, so the twin's machines can be tested
 * against the protocol alone. It keeps what it was told (discoveries, install
 * reports, polls, results) for the tests to assert on. Both sides are Fetch
 * handlers: registered on the in-process network in model fidelity, or behind
 * node:http/https (see serveOverSockets) in wire fidelity.
 */
import type { HttpHandler } from '../../../../sim/index.js';

export type BootMode = { kind: 'discover' } | { kind: 'install'; node: string } | { kind: 'wipe'; node: string; token: string } | { kind: 'local' } | { kind: 'script'; text: string };

export interface WorkItemSpec {
  readonly id: string;
  readonly nodeRole: string;
  readonly resources: readonly unknown[];
}

export interface PeerNode {
  readonly name: string;
  readonly mac: string;
  readonly rootDiskSerial: string;
  mode: BootMode;
  installToken: string | undefined;
  installTokenUsed: boolean;
  readonly agentToken: string;
  /** Items waiting or outstanding, in order. */
  readonly queue: Array<WorkItemSpec & { attempt: number; outstanding: boolean }>;
}

export interface PeerOptions {
  /** The boot server base URL B as machines reach it. */
  readonly bootUrl: string;
  /** The agent API base URL as the install plan names it. */
  readonly apiUrl: string;
  readonly caCertificatePem: string;
  /** Seconds in Retry-After when there is no work. */
  readonly idleRetryAfterS?: number;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, field: string, text: string, fix: string): Response => json(status, { field, problem: text, fix });

export class ProvisioningPeer {
  readonly nodes = new Map<string, PeerNode>();
  readonly discoveries: Array<{ mac: string; facts: any }> = [];
  readonly installReports: Array<{ node: string; body: any }> = [];
  readonly wipeReports: Array<{ node: string; body: any }> = [];
  readonly results: Array<{ node: string; id: string; body: any }> = [];
  readonly bootLog: LoggedRequest[] = [];
  readonly agentLog: LoggedRequest[] = [];
  /** While set, the agent API answers this status (e.g. 503) to everything. */
  agentApiStatus: number | undefined;
  private tokens = 0;

  constructor(private readonly options: PeerOptions) {}

  addNode(name: string, mac: string, rootDiskSerial: string, mode: BootMode = { kind: 'discover' }): PeerNode {
    const node: PeerNode = { name, mac, rootDiskSerial, mode, installToken: undefined, installTokenUsed: false, agentToken: `agent-${name}`, queue: [] };
    this.nodes.set(name, node);
    return node;
  }

  /** Marks a node for install with a fresh one-time token. */
  provision(name: string): void {
    const node = this.node(name);
    node.mode = { kind: 'install', node: name };
    node.installToken = `install-${name}-${++this.tokens}`;
    node.installTokenUsed = false;
  }

  /** Marks a node for a wipe with a fresh one-time token; its report sends it back to discovery. */
  wipe(name: string): void {
    this.node(name).mode = { kind: 'wipe', node: name, token: `wipe-${name}-${++this.tokens}` };
  }

  enqueue(name: string, item: WorkItemSpec): void {
    this.node(name).queue.push({ ...item, attempt: 1, outstanding: false });
  }

  revoke(name: string): void {
    this.nodes.delete(name);
  }

  resultsFor(name: string): Array<{ id: string; body: any }> {
    return this.results.filter((r) => r.node === name);
  }

  private node(name: string): PeerNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`test peer: no node ${name}`);
    return node;
  }

  private byMac(mac: string): PeerNode | undefined {
    return [...this.nodes.values()].find((n) => n.mac === mac);
  }

  private byAgentToken(request: Request): PeerNode | undefined {
    const auth = request.headers.get('authorization');
    return [...this.nodes.values()].find((n) => auth === `Bearer ${n.agentToken}`);
  }

  private script(mac: string): string {
    const B = this.options.bootUrl;
    const node = this.byMac(mac);
    const mode = node?.mode ?? { kind: 'discover' };
    switch (mode.kind) {
      case 'discover':
        return `#!ipxe\necho drill: discovery boot for ${mac}\nkernel ${B}/images/discovery/vmlinuz initrd=initrd.img drill.stage=discover drill.boot=${B} drill.mac=${mac}\ninitrd ${B}/images/discovery/initrd.img\nboot\n`;
      case 'install':
        return `#!ipxe\necho drill: installing debian-12 on ${mode.node}\nkernel ${B}/images/debian-12/vmlinuz initrd=initrd.img drill.stage=install drill.boot=${B} drill.node=${mode.node} drill.token=${node?.installToken ?? ''}\ninitrd ${B}/images/debian-12/initrd.img\nboot\n`;
      case 'wipe':
        return `#!ipxe\necho drill: wiping every disk of ${mode.node}\nkernel ${B}/images/discovery/vmlinuz initrd=initrd.img drill.stage=wipe drill.boot=${B} drill.node=${mode.node} drill.token=${mode.token}\ninitrd ${B}/images/discovery/initrd.img\nboot\n`;
      case 'local':
        return '#!ipxe\necho drill: boot from local disk\nexit\n';
      case 'script':
        return mode.text;
    }
  }

  /** The boot server: plain HTTP at B. */
  readonly boot: HttpHandler = async (request) => {
    const url = new URL(request.url);
    this.bootLog.push({ method: request.method, path: `${url.pathname}${url.search}`, authorization: request.headers.get('authorization') });
    const B = this.options.bootUrl;
    if (request.method === 'GET' && url.pathname === '/boot/ipxe') {
      const mac = url.searchParams.get('mac');
      const text = mac === null ? `#!ipxe\nchain ${B}/boot/ipxe?mac=\${net0/mac}\n` : this.script(mac);
      return new Response(text, { status: 200, headers: { 'content-type': 'text/plain' } });
    }
    if (request.method === 'GET' && url.pathname === '/boot/agent.sh') {
      return new Response('#!/bin/sh\n# drill agent (test peer)\n', { status: 200, headers: { 'content-type': 'text/plain' } });
    }
    if (request.method === 'POST' && url.pathname === '/boot/discovery') {
      let body: any;
      try {
        body = await request.json();
      } catch {
        return problem(400, '(body)', 'not JSON', 'send the discovery report as JSON');
      }
      if (typeof body?.mac !== 'string') return problem(400, 'mac', 'missing', 'send the MAC the machine booted from');
      if (typeof body.facts !== 'object' || body.facts === null) return problem(400, 'facts', 'missing', 'send the facts');
      this.discoveries.push({ mac: body.mac, facts: body.facts });
      return json(200, { node: this.byMac(body.mac)?.name ?? null });
    }
    const install = /^\/boot\/install\/([^/]+)\/(plan|done)$/.exec(url.pathname);
    if (install) {
      const node = this.nodes.get(decodeURIComponent(install[1]!));
      if (!node) return json(404, { problem: 'no such node' });
      const auth = request.headers.get('authorization');
      if (install[2] === 'plan' && request.method === 'GET') {
        if (node.installToken === undefined || auth !== `Bearer ${node.installToken}`) return json(401, { problem: 'bad install token', fix: 'boot the install script again' });
        if (node.installTokenUsed) return json(401, { problem: 'install token already used', fix: 'provision the node again' });
        node.installTokenUsed = true;
        return json(200, {
          node: node.name,
          os: { name: 'debian', version: '12' },
          rootDisk: { serial: node.rootDiskSerial },
          hostname: node.name,
          agent: { api: this.options.apiUrl, token: node.agentToken, script: `${B}/boot/agent.sh`, caCertificatePem: this.options.caCertificatePem },
        });
      }
      if (install[2] === 'done' && request.method === 'POST') {
        if (auth !== `Bearer ${node.agentToken}`) return json(401, { problem: 'bad agent token' });
        const body = (await request.json()) as { status?: unknown };
        this.installReports.push({ node: node.name, body });
        if (body.status === 'ok') node.mode = { kind: 'local' };
        return new Response(null, { status: 204 });
      }
    }
    const wipe = /^\/boot\/wipe\/([^/]+)\/done$/.exec(url.pathname);
    if (wipe && request.method === 'POST') {
      const node = this.nodes.get(decodeURIComponent(wipe[1]!));
      if (node?.mode.kind !== 'wipe' || request.headers.get('authorization') !== `Bearer ${node.mode.token}`) return json(401, { problem: 'unknown wipe token' });
      const body = (await request.json()) as { status?: unknown };
      this.wipeReports.push({ node: node.name, body });
      if (body.status === 'ok') node.mode = { kind: 'discover' };
      return json(200, { node: node.name, boot: node.mode.kind });
    }
    return json(404, { problem: `no route ${request.method} ${url.pathname}` });
  };

  /** The agent API: HTTPS at the plan's agent.api. */
  readonly agent: HttpHandler = async (request) => {
    const url = new URL(request.url);
    this.agentLog.push({ method: request.method, path: url.pathname, authorization: request.headers.get('authorization') });
    if (this.agentApiStatus !== undefined) return json(this.agentApiStatus, { problem: 'injected by the test' });
    const node = this.byAgentToken(request);
    if (!node) return json(401, { problem: 'unknown agent token', fix: 're-provision the node' });
    if (request.method === 'GET' && url.pathname === '/api/v1/agent/work') {
      const next = node.queue.find((i) => !i.outstanding) ?? node.queue.find((i) => i.outstanding);
      if (!next) return new Response(null, { status: 204, headers: { 'retry-after': String(this.options.idleRetryAfterS ?? 5) } });
      next.outstanding = true;
      return json(200, { id: next.id, nodeRole: next.nodeRole, attempt: next.attempt, resources: next.resources, shell: '#!/bin/sh\n# rendered by the test peer\n' });
    }
    const result = /^\/api\/v1\/agent\/work\/([^/]+)\/result$/.exec(url.pathname);
    if (result && request.method === 'POST') {
      const id = decodeURIComponent(result[1]!);
      const index = node.queue.findIndex((i) => i.id === id && i.outstanding);
      if (index < 0) return json(409, { problem: `work item ${id} is not outstanding for ${node.name}` });
      node.queue.splice(index, 1);
      this.results.push({ node: node.name, id, body: await request.json() });
      return new Response(null, { status: 204 });
    }
    return json(404, { problem: `no route ${request.method} ${url.pathname}` });
  };
}
