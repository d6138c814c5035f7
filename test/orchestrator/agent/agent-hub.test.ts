import { describe, expect, it } from 'vitest';
import { AgentError, AgentHub, AgentRoleRunner, AGENT_TOKEN_PREFIX, BadInputError, mintToken, SqliteStore, type NodeRecord, type Versioned } from '../../../orchestrator/index.js';
import { SeededRandom, VirtualClock } from '../../../sim/index.js';

async function setup(authCacheMs = 0) {
  const clock = new VirtualClock();
  const store = new SqliteStore({ path: ':memory:', clock });
  const random = new SeededRandom(7);
  const { token, sha256 } = mintToken(random, AGENT_TOKEN_PREFIX);
  await store.commit([{ kind: 'node', value: { name: 'n1', reachable: true, paused: false, attributes: {}, provisioning: { boot: { kind: 'local' }, agentTokenSha256: sha256 } }, expectedVersion: undefined }], []);
  const hub = new AgentHub({ store, clock, random, pollIntervalS: 5, maxHandOuts: 2, authCacheMs });
  const node = async (): Promise<Versioned<NodeRecord>> => (await hub.authenticate(token))!;
  return { store, hub, node, token, clock };
}

const resources = [{ kind: 'command' as const, run: 'true' }];

describe('AgentHub', () => {
  it('knows a node by its agent token and nothing else', async () => {
    const { hub, token } = await setup();
    expect((await hub.authenticate(token))?.value.name).toBe('n1');
    expect(await hub.authenticate(`${token}x`)).toBeUndefined();
    expect(await hub.authenticate('')).toBeUndefined();
  });

  it('reuses a token answer for authCacheMs, then sees a revocation', async () => {
    const { hub, token, store, clock } = await setup(5_000);
    expect((await hub.authenticate(token))?.value.name).toBe('n1');
    const current = (await store.snapshot()).nodes.get('n1')!;
    await store.commit([{ kind: 'node', value: { ...current.value, provisioning: { boot: { kind: 'local' } } }, expectedVersion: current.version }], []);
    expect((await hub.authenticate(token))?.value.name).toBe('n1');
    await clock.runFor(5_000);
    expect(await hub.authenticate(token)).toBeUndefined();
  });

  it('hands out one item at a time, in dispatch order, and refuses a result for another', async () => {
    const { hub, node } = await setup();
    const signal = new AbortController().signal;
    const first = hub.dispatch('n1', 'd/a@n1', resources, signal);
    const second = hub.dispatch('n1', 'd/b@n1', resources, signal);
    const item = (await hub.poll(await node()))!;
    expect(item).toMatchObject({ nodeRole: 'd/a@n1', attempt: 1 });
    expect(Buffer.from(item.shellBase64, 'base64').toString('utf8')).toBe(item.shell);
    expect(() => hub.complete('n1', 'w-other', { exitStatus: 0, output: '', changed: false })).toThrow(AgentError);
    hub.complete('n1', item.id, { exitStatus: 0, output: 'ok\n', changed: true });
    expect(await first).toEqual({ exitStatus: 0, output: 'ok\n', changed: true });
    expect((await hub.poll(await node()))!.nodeRole).toBe('d/b@n1');
    expect(hub.queued('n1')).toBe(1);
    void second.catch(() => undefined);
  });

  it('hands a lost item out again as a new attempt, then fails it', async () => {
    const { hub, node } = await setup();
    const result = hub.dispatch('n1', 'd/a@n1', resources, new AbortController().signal);
    expect((await hub.poll(await node()))!.attempt).toBe(1);
    expect((await hub.poll(await node()))!.attempt).toBe(2);
    expect(await hub.poll(await node())).toBeUndefined();
    await expect(result).rejects.toMatchObject({ code: 'AGENT_LOST_ITEM' });
  });

  it('drops an item whose run was aborted, and a late result for it is refused', async () => {
    const { hub, node } = await setup();
    const controller = new AbortController();
    const result = hub.dispatch('n1', 'd/a@n1', resources, controller.signal);
    const item = (await hub.poll(await node()))!;
    controller.abort(new Error('lease expired'));
    await expect(result).rejects.toThrow('lease expired');
    expect(hub.queued('n1')).toBe(0);
    expect(() => hub.complete('n1', item.id, { exitStatus: 0, output: '', changed: false })).toThrow('is not outstanding for n1');
  });

  it('holds a long poll until an item is dispatched, and hands it out at once', async () => {
    const { hub, node, clock } = await setup();
    const started = clock.now();
    const held = hub.poll(await node(), { waitMs: 20_000 });
    await clock.runFor(3_000);
    const result = hub.dispatch('n1', 'd/a@n1', resources, new AbortController().signal);
    const item = await clock.runUntilSettled(held);
    expect([item?.nodeRole, item?.attempt, clock.now() - started]).toEqual(['d/a@n1', 1, 3_000]);
    hub.complete('n1', item!.id, { exitStatus: 0, output: '', changed: false });
    expect((await result).exitStatus).toBe(0);
  });

  it('answers a long poll with nothing when the wait runs out', async () => {
    const { hub, node, clock } = await setup();
    const started = clock.now();
    expect(await clock.runUntilSettled(hub.poll(await node(), { waitMs: 20_000 }))).toBeUndefined();
    expect(clock.now() - started).toBe(20_000);
  });

  it('never hands an item to a poll whose agent hung up or polled again: it goes to the poll that is still there', async () => {
    const { hub, node, clock } = await setup();
    const hangUp = new AbortController();
    const abandoned = hub.poll(await node(), { waitMs: 20_000, signal: hangUp.signal });
    hangUp.abort(new Error('the client hung up'));
    expect(await abandoned).toBeUndefined();
    const superseded = hub.poll(await node(), { waitMs: 20_000 });
    const current = hub.poll(await node(), { waitMs: 20_000 });
    expect(await superseded).toBeUndefined();
    void hub.dispatch('n1', 'd/a@n1', resources, new AbortController().signal);
    expect((await clock.runUntilSettled(current))?.attempt).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('records the first call of an agent once, as node.agent-up', async () => {
    const { hub, node, store, clock } = await setup();
    await hub.poll(await node());
    await hub.poll(await node());
    expect((await store.events(0, 100)).map((e) => e.type)).toEqual(['node.agent-up']);
    expect((await node()).value.provisioning?.agentSeenAtMs).toBe(clock.now());
  });
});

describe('AgentRoleRunner', () => {
  const request = { nodeRole: { id: 'd/ntp@n1', node: 'n1' }, runId: 'r1', inputs: {} } as never;

  it('maps exit 0 to ok with outputs and a failure to a retryable error with the output tail', async () => {
    const { hub, node } = await setup();
    const runner = new AgentRoleRunner({ hub, resourcesFor: () => resources, outputsFor: () => ({ 'ntp.ok': true }) });
    const signal = new AbortController().signal;
    const ok = runner.run(request, signal);
    const item = (await hub.poll(await node()))!;
    hub.complete('n1', item.id, { exitStatus: 0, output: '', changed: false });
    expect(await ok).toEqual({ status: 'ok', outputs: { 'ntp.ok': true } });
    const failed = runner.run(request, signal);
    const again = (await hub.poll(await node()))!;
    hub.complete('n1', again.id, { exitStatus: 100, output: `${'noise\n'.repeat(50)}E: Unable to locate package chrony\n`, changed: false });
    const result = await failed;
    expect(result).toMatchObject({ status: 'failed', retryable: true });
    expect(result.status === 'failed' && result.message).toMatch(/^the work item exited with status 100:\n(noise\n){19}E: Unable to locate package chrony$/);
  });

  it('fails bad inputs without dispatching or retrying', async () => {
    const { hub } = await setup();
    const runner = new AgentRoleRunner({
      hub,
      resourcesFor: () => {
        throw new BadInputError('ntp.servers: must not be empty — give at least one server');
      },
    });
    expect(await runner.run(request, new AbortController().signal)).toEqual({ status: 'failed', message: 'ntp.servers: must not be empty — give at least one server', retryable: false });
    expect(hub.queued('n1')).toBe(0);
  });
});

describe('dispatch', () => {
  it('refuses resources the renderer cannot trust, naming each', async () => {
    const { hub } = await setup();
    const bad = [{ kind: 'file', path: 'relative', content: 'x', mode: '0644' }] as never;
    await expect(hub.dispatch('n1', 'd/a@n1', bad, new AbortController().signal)).rejects.toThrow(
      'Failed to dispatch a work item for d/a@n1: resources[0].path: path must be absolute — e.g. "/etc/chrony/chrony.conf"',
    );
    expect(hub.queued('n1')).toBe(0);
  });
});
