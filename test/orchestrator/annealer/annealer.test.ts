import { describe, expect, it } from 'vitest';
import { InvalidRolesError, planTick, RoleCatalog, waitingOn, type AnnealerView, type NodeRole, type NodeStatus, type RunResult } from '../../../orchestrator/index.js';
import { AnnealerHarness, echoRunner, role } from './harness.js';

const ok = (outputs: Record<string, unknown> = {}): RunResult => ({ status: 'ok', outputs });

/** The ready-state stack of one node, OpenCrowbar style. */
const stack = [
  role('os-installed', { outputs: ['os.release'] }),
  role('ntp', { requires: ['os-installed'], inputs: ['ntp.servers'] }),
  role('dns-client', { requires: ['os-installed'], inputs: ['dns.resolvers'], outputs: ['dns.search'] }),
  role('ready', { requires: ['ntp', 'dns-client'] }),
];

describe('annealer: one node', () => {
  it('runs a role only after what it requires, binding the requirements on the same node', () => {
    const h = new AnnealerHarness(stack);
    h.addNode('r1-s1');
    h.addDeployment('lab', { 'ntp.servers': ['10.0.0.1'], 'dns.resolvers': ['10.0.0.53'] });
    h.bind('lab', 'ready', 'r1-s1');
    expect([...h.nodeRoles.keys()].sort()).toEqual(['lab/dns-client@r1-s1', 'lab/ntp@r1-s1', 'lab/os-installed@r1-s1', 'lab/ready@r1-s1']);
    h.converge(echoRunner(h.catalog));
    expect(h.starts.map((s) => s.id.split('/')[1])).toEqual(['os-installed@r1-s1', 'dns-client@r1-s1', 'ntp@r1-s1', 'ready@r1-s1']);
    expect(h.starts.every((s) => s.parentStates.every((k) => k === 'active'))).toBe(true);
    expect([...h.nodeRoles.values()].every((nr) => nr.state.kind === 'active' && nr.runCount === 1)).toBe(true);
  });

  it('does nothing when re-annealing a converged deployment', () => {
    const h = new AnnealerHarness(stack);
    h.addNode('n1');
    h.addDeployment('lab');
    h.bind('lab', 'ready', 'n1');
    h.converge(echoRunner(h.catalog));
    expect(planTick(h.view())).toEqual([]);
    h.bind('lab', 'ready', 'n1');
    expect(planTick(h.view())).toEqual([]);
  });

  it('says why a node-role is not running', () => {
    const h = new AnnealerHarness(stack);
    h.addNode('n1');
    h.addDeployment('lab');
    h.bind('lab', 'ready', 'n1');
    h.tick();
    expect(h.stateOf('lab/ready@n1')).toEqual({ kind: 'blocked', reason: { code: 'parents_pending' } });
    const waitsOn = (id: string): string[] => waitingOn(h.nodeRoles.get(id)!, (parent) => h.nodeRoles.get(parent)?.state);
    expect(waitsOn('lab/ready@n1')).toEqual(['lab/dns-client@n1', 'lab/ntp@n1']);
    expect(waitsOn('lab/ntp@n1')).toEqual(['lab/os-installed@n1']);
    h.finishRuns(() => ({ status: 'failed', message: 'installer could not reach the mirror', retryable: false }));
    h.tick();
    expect(h.stateOf('lab/os-installed@n1')).toMatchObject({ kind: 'error', message: 'installer could not reach the mirror' });
    expect(h.stateOf('lab/ntp@n1')).toEqual({ kind: 'blocked', reason: { code: 'parent_error', parents: ['lab/os-installed@n1'] } });
    expect(h.stateOf('lab/ready@n1')).toEqual({ kind: 'blocked', reason: { code: 'parent_error', parents: ['lab/dns-client@n1', 'lab/ntp@n1'] } });
  });

  it('holds work on an unreachable or paused node, and resumes it', () => {
    const h = new AnnealerHarness(stack);
    h.addNode('n1');
    h.addDeployment('lab');
    h.bind('lab', 'os-installed', 'n1');
    h.nodes.set('n1', { reachable: false, paused: false, attributes: {} });
    h.tick();
    expect(h.stateOf('lab/os-installed@n1')).toEqual({ kind: 'blocked', reason: { code: 'node_unreachable' } });
    h.nodes.set('n1', { reachable: true, paused: true, attributes: {} });
    h.tick();
    expect(h.stateOf('lab/os-installed@n1')).toEqual({ kind: 'blocked', reason: { code: 'paused' } });
    h.nodes.set('n1', { reachable: true, paused: false, attributes: {} });
    h.converge(echoRunner(h.catalog));
    expect(h.stateOf('lab/os-installed@n1').kind).toBe('active');
  });

  it('keeps a proposed deployment proposed until it is committed', () => {
    const h = new AnnealerHarness(stack);
    h.addNode('n1');
    h.addDeployment('lab', {}, false);
    h.bind('lab', 'ntp', 'n1');
    expect(h.tick()).toBe(0);
    h.addDeployment('lab');
    h.converge(echoRunner(h.catalog));
    expect(h.stateOf('lab/ntp@n1').kind).toBe('active');
  });
});

describe('annealer: repeating only the impacted layers', () => {
  const layered = [
    role('os', { outputs: ['os.id'] }),
    role('dns', { requires: ['os'], inputs: ['dns.resolvers'], outputs: ['dns.conf'] }),
    role('app', { requires: ['dns'] }),
  ];

  it('re-runs a node-role whose input changed, and its dependents when its output changes', () => {
    const h = new AnnealerHarness(layered);
    h.addNode('n1');
    h.addDeployment('lab', { 'dns.resolvers': ['10.0.0.53'] });
    h.bind('lab', 'app', 'n1');
    const runner = (nr: Parameters<ReturnType<typeof echoRunner>>[0], inputs: Record<string, unknown>): RunResult =>
      nr.role === 'dns' ? ok({ 'dns.conf': `nameserver ${String(inputs['dns.resolvers'])}` }) : nr.role === 'os' ? ok({ 'os.id': 'bookworm' }) : ok();
    h.converge(runner);
    h.starts.length = 0;
    h.addDeployment('lab', { 'dns.resolvers': ['10.0.0.54'] });
    h.converge(runner);
    expect(h.starts.map((s) => s.id)).toEqual(['lab/dns@n1', 'lab/app@n1']);
  });

  it('stops at a re-run whose outputs did not change', () => {
    const h = new AnnealerHarness(layered);
    h.addNode('n1');
    h.addDeployment('lab', { 'dns.resolvers': ['10.0.0.53'] });
    h.bind('lab', 'app', 'n1');
    const runner = (nr: Parameters<ReturnType<typeof echoRunner>>[0]): RunResult =>
      nr.role === 'dns' ? ok({ 'dns.conf': 'nameserver from DHCP' }) : nr.role === 'os' ? ok({ 'os.id': 'bookworm' }) : ok();
    h.converge(runner);
    h.starts.length = 0;
    h.addDeployment('lab', { 'dns.resolvers': ['10.0.0.54'] });
    h.converge(runner);
    expect(h.starts.map((s) => s.id)).toEqual(['lab/dns@n1']);
  });

  it('takes the most specific attribute: node-role over node over deployment', () => {
    const h = new AnnealerHarness(layered);
    h.addNode('n1', { 'dns.resolvers': 'node' });
    h.addNode('n2');
    h.addDeployment('lab', { 'dns.resolvers': 'deployment' });
    h.bind('lab', 'dns', 'n1');
    h.bind('lab', 'dns', 'n2');
    const seen = new Map<string, unknown>();
    h.converge((nr, inputs) => {
      seen.set(nr.id, inputs['dns.resolvers']);
      return nr.role === 'dns' ? ok({ 'dns.conf': '' }) : ok({ 'os.id': 'x' });
    });
    expect(seen.get('lab/dns@n1')).toBe('node');
    expect(seen.get('lab/dns@n2')).toBe('deployment');
  });
});

describe('annealer: clusters across nodes', () => {
  const roles = [
    role('os', { local: true, outputs: ['os.address'] }),
    role('etcd', { requires: ['os'], cluster: true, outputs: ['etcd.endpoint'] }),
    role('k8s-master', { requires: ['os'], inputs: ['etcd.endpoint'] }),
  ];

  it('waits for every member of a cluster role, wherever it runs, and sees all their outputs', () => {
    const h = new AnnealerHarness(roles);
    for (const n of ['e1', 'e2', 'e3', 'm1']) h.addNode(n);
    h.addDeployment('k8s');
    for (const n of ['e1', 'e2', 'e3']) h.bind('k8s', 'etcd', n);
    h.bind('k8s', 'k8s-master', 'm1');
    expect(h.nodeRoles.get('k8s/k8s-master@m1')!.parents).toEqual(['k8s/etcd@e1', 'k8s/etcd@e2', 'k8s/etcd@e3', 'k8s/os@m1']);
    let masterInputs: Record<string, unknown> = {};
    h.converge((nr, inputs) => {
      if (nr.role === 'k8s-master') masterInputs = { ...inputs };
      return nr.role === 'etcd' ? ok({ 'etcd.endpoint': `https://${nr.node}:2379` }) : nr.role === 'os' ? ok({ 'os.address': nr.node }) : ok();
    });
    expect(masterInputs['etcd.endpoint']).toEqual(['https://e1:2379', 'https://e2:2379', 'https://e3:2379']);
    const masterStart = h.starts.find((s) => s.id === 'k8s/k8s-master@m1')!;
    expect(masterStart.parentStates).toEqual(['active', 'active', 'active', 'active']);
  });

  it('re-runs the dependents of a cluster when a member joins', () => {
    const h = new AnnealerHarness(roles);
    for (const n of ['e1', 'e2', 'm1']) h.addNode(n);
    h.addDeployment('k8s');
    h.bind('k8s', 'etcd', 'e1');
    h.bind('k8s', 'k8s-master', 'm1');
    const runner = echoRunner(h.catalog);
    h.converge(runner);
    h.starts.length = 0;
    h.bind('k8s', 'etcd', 'e2');
    h.converge(runner);
    expect(h.starts.map((s) => s.id)).toEqual(['k8s/os@e2', 'k8s/etcd@e2', 'k8s/k8s-master@m1']);
  });

  it('orders by `after` without binding it', () => {
    const h = new AnnealerHarness([role('a'), role('b', { after: ['a'] })]);
    h.addNode('n1');
    h.addNode('n2');
    h.addDeployment('d');
    h.bind('d', 'b', 'n1');
    expect(h.nodeRoles.size).toBe(1);
    h.bind('d', 'a', 'n2');
    expect(h.nodeRoles.get('d/b@n1')!.softParents).toEqual(['d/a@n2']);
    h.converge(echoRunner(h.catalog));
    expect(h.starts.map((s) => s.id)).toEqual(['d/a@n2', 'd/b@n1']);
  });

  it('waits `after` a local role on its own node only, so one slow node holds up no other', () => {
    const h = new AnnealerHarness([role('ntp', { local: true }), role('ready', { local: true, after: ['ntp'] })]);
    for (const n of ['n1', 'n2']) h.addNode(n);
    h.addDeployment('d');
    h.bind('d', 'ntp', 'n1');
    h.bind('d', 'ready', 'n1');
    h.bind('d', 'ready', 'n2');
    h.bind('d', 'ntp', 'n2');
    expect(h.nodeRoles.get('d/ready@n1')!.softParents).toEqual(['d/ntp@n1']);
    expect(h.nodeRoles.get('d/ready@n2')!.softParents).toEqual(['d/ntp@n2']);
  });
});

describe('annealer: failures, retries and leases', () => {
  const flaky = (failures: number) => {
    let calls = 0;
    return (): RunResult => (++calls <= failures ? { status: 'failed', message: `attempt ${calls} failed`, retryable: true } : ok());
  };

  it('retries a retryable failure with growing, jittered backoff, then succeeds', () => {
    const h = new AnnealerHarness([role('bios', { retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 } })]);
    h.addNode('n1');
    h.addDeployment('d');
    h.bind('d', 'bios', 'n1');
    h.converge(flaky(3));
    const times = h.starts.map((s) => s.atMs);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
    expect(gaps[0]).toBeLessThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeLessThanOrEqual(2_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[2]).toBeLessThanOrEqual(4_000);
    expect(h.nodeRoles.get('d/bios@n1')).toMatchObject({ state: { kind: 'active' }, attempts: 0, lastError: undefined });
  });

  it('stops in error after the last attempt, keeps the message, and tries again when its inputs change', () => {
    const h = new AnnealerHarness([role('raid', { inputs: ['raid.level'], retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 100 } })]);
    h.addNode('n1');
    h.addDeployment('d', { 'raid.level': 'RAID7' });
    h.bind('d', 'raid', 'n1');
    h.converge((_nr, inputs) => (inputs['raid.level'] === 'RAID7' ? { status: 'failed', message: 'RAID7 is not a RAID level', retryable: true } : ok()));
    expect(h.nodeRoles.get('d/raid@n1')).toMatchObject({ state: { kind: 'error', message: 'RAID7 is not a RAID level' }, attempts: 2 });
    expect(planTick(h.view())).toEqual([]);
    h.addDeployment('d', { 'raid.level': 'RAID1' });
    h.converge(() => ok());
    expect(h.stateOf('d/raid@n1').kind).toBe('active');
  });

  it('does not retry a failure marked not retryable', () => {
    const h = new AnnealerHarness([role('wipe', { retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 } })]);
    h.addNode('n1');
    h.addDeployment('d');
    h.bind('d', 'wipe', 'n1');
    h.converge(() => ({ status: 'failed', message: 'disk is write-protected', retryable: false }));
    expect(h.starts).toHaveLength(1);
    expect(h.stateOf('d/wipe@n1').kind).toBe('error');
  });

  it('rejects outputs that do not match the role declaration', () => {
    const h = new AnnealerHarness([role('dns', { outputs: ['dns.conf'] })]);
    h.addNode('n1');
    h.addDeployment('d');
    h.bind('d', 'dns', 'n1');
    h.converge(() => ok({ 'dns.config': 'typo' }));
    expect(h.stateOf('d/dns@n1')).toMatchObject({ kind: 'error', message: 'output dns.conf missing — the runner must return every output the role declares' });
    // An output named like something every object inherits is missing until the runner returns it.
    const inherited = new AnnealerHarness([role('odd', { outputs: ['constructor'] })]);
    inherited.addNode('n1');
    inherited.addDeployment('d');
    inherited.bind('d', 'odd', 'n1');
    inherited.converge(() => ok({}));
    expect(inherited.stateOf('d/odd@n1')).toMatchObject({ kind: 'error', message: 'output constructor missing — the runner must return every output the role declares' });
  });

  it('returns a run whose lease expired to todo as a failed attempt, and ignores its late result', () => {
    const h = new AnnealerHarness([role('os', { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } })], { maxRunning: 10, maxRunningPerNode: 1, leaseMs: 30_000 });
    h.addNode('n1');
    h.addDeployment('d');
    h.bind('d', 'os', 'n1');
    h.tick();
    const first = h.stateOf('d/os@n1');
    expect(first.kind).toBe('running');
    h.nowMs += 30_000;
    h.tick();
    expect(h.nodeRoles.get('d/os@n1')).toMatchObject({ attempts: 1 });
    const second = h.stateOf('d/os@n1');
    expect(second.kind === 'running' && first.kind === 'running' && second.runId !== first.runId).toBe(true);
    h.finishRuns(() => ok());
    expect(h.stateOf('d/os@n1').kind).toBe('active');
  });

  it('never runs more than the limits allow', () => {
    const h = new AnnealerHarness([role('a', { maxConcurrent: 2 }), role('b')], { maxRunning: 3, maxRunningPerNode: 1, leaseMs: 60_000 });
    for (let i = 0; i < 6; i++) h.addNode(`n${i}`);
    h.addDeployment('d');
    for (let i = 0; i < 6; i++) {
      h.bind('d', 'a', `n${i}`);
      h.bind('d', 'b', `n${i}`);
    }
    h.tick();
    const running = [...h.nodeRoles.values()].filter((nr) => nr.state.kind === 'running');
    expect(running).toHaveLength(3);
    expect(running.filter((nr) => nr.role === 'a')).toHaveLength(2);
    expect(new Set(running.map((nr) => nr.node)).size).toBe(3);
  });

  it('claims a whole fleet in one tick when the limits allow it', () => {
    const count = 150_000;
    const roles = new Map([['os', role('os')]]);
    const nodes = new Map<string, NodeStatus>();
    const nodeRoles = new Map<string, NodeRole>();
    for (let i = 0; i < count; i++) {
      nodes.set(`n${i}`, { reachable: true, paused: false, attributes: {} });
      const id = `d/os@n${i}`;
      nodeRoles.set(id, { id, deployment: 'd', role: 'os', node: `n${i}`, parents: [], softParents: [], state: { kind: 'todo', notBeforeMs: 0 }, attempts: 0, runCount: 0, lastGood: undefined, lastError: undefined, attributes: {} });
    }
    const view: AnnealerView = {
      nowMs: 0, roles, nodes, deployments: new Map([['d', { committed: true, paused: false, attributes: {} }]]), nodeRoles,
      limits: { maxRunning: count, maxRunningPerNode: 1, leaseMs: 60_000 },
    };
    const decisions = planTick(view);
    expect(decisions).toHaveLength(count);
    expect(decisions.every((d) => d.type === 'start')).toBe(true);
  });

  it('starts the shallowest work first, then by id, when the limits leave room for only some', () => {
    const h = new AnnealerHarness([role('w'), role('y', { requires: ['w'] }), role('x')], { maxRunning: 2, maxRunningPerNode: 1, leaseMs: 60_000 });
    for (const n of ['n0', 'n1', 'n2', 'n3']) h.addNode(n);
    h.addDeployment('d');
    h.bind('d', 'y', 'n0');
    h.tick();
    h.finishRuns(() => ok());
    for (const n of ['n3', 'n1', 'n2']) h.bind('d', 'x', n);
    h.tick();
    const running = [...h.nodeRoles.values()].filter((nr) => nr.state.kind === 'running').map((nr) => nr.id);
    expect(running.sort()).toEqual(['d/x@n1', 'd/x@n2']);
    expect(h.stateOf('d/y@n0').kind).toBe('todo');
  });
});

describe('role catalog', () => {
  it('lists every problem at once: unknown roles, shared outputs, cycles through inputs', () => {
    expect(() => new RoleCatalog([role('a', { requires: ['ghost'] }), role('b', { outputs: ['x'] }), role('c', { outputs: ['x'] })])).toThrow(InvalidRolesError);
    try {
      new RoleCatalog([role('a', { requires: ['ghost'] }), role('b', { outputs: ['x'] }), role('c', { outputs: ['x'] })]);
    } catch (error) {
      expect((error as InvalidRolesError).problems).toEqual([
        'roles.c.outputs: x is already output by b — one role owns each attribute',
        'roles.a.requires: unknown role ghost — define it or remove the reference',
      ]);
    }
    expect(() => new RoleCatalog([role('a', { inputs: ['y'], outputs: ['x'] }), role('b', { inputs: ['x'], outputs: ['y'] })])).toThrow(
      /roles\.a: depends on itself through a → b → a — break the cycle/,
    );
  });
});
