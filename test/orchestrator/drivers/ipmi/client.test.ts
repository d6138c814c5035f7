/**
 * Retries, timeouts, cipher suite choice, session reuse and re-establishment
 * of the RMCP+ client, deterministically on the VirtualClock and the
 * kernel's DatagramSwitch, against the in-test FakeBmc (fake-bmc.ts).
 */
import { describe, expect, it } from 'vitest';
import { BmcAuthError, BmcUnreachableError, IpmiDriver, NotSupportedError, type IpmiDriverConfig } from '../../../../orchestrator/index.js';
import { DatagramSwitch, FaultInjector, FaultPlan, SeededRandom, VirtualClock, type FaultPlanData } from '../../../../sim/index.js';
import { FakeBmc, SUITE_0, SUITE_1, SUITE_17, SUITE_3, type FakeSuite } from './fake-bmc.js';

const BMC = { host: '127.1.0.9', port: 623 };

async function setup(suites: readonly FakeSuite[], config: Partial<IpmiDriverConfig> = {}, plan: FaultPlanData = { faults: [] }) {
  const clock = new VirtualClock();
  const random = new SeededRandom(42);
  const faults = new FaultInjector({ plan: FaultPlan.parse(plan), clock, random: random.fork('faults') });
  const net = new DatagramSwitch({ clock, random: random.fork('net'), faults });
  const bmc = new FakeBmc(suites, { admin: 'pw-admin' });
  await bmc.listen(net, BMC);
  const times: Array<{ kind: string; atMs: number }> = [];
  const start = clock.now();
  const push = bmc.received.push.bind(bmc.received);
  bmc.received.push = (...kinds: string[]) => {
    for (const kind of kinds) times.push({ kind, atMs: clock.now() - start });
    return push(...kinds);
  };
  const driver = new IpmiDriver({
    ...BMC,
    username: 'admin',
    password: 'pw-admin',
    transport: net,
    clock,
    random: random.fork('driver'),
    timeoutMs: 1500,
    retries: 3,
    localHost: '127.0.0.1',
    ...config,
  });
  /** Runs the clock until `work` settles. */
  const run = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const settled = work.finally(() => (done = true));
    settled.catch(() => undefined);
    await clock.runUntil(() => done);
    return settled;
  };
  return { clock, net, bmc, driver, run, times, elapsed: () => clock.now() - start };
}

describe('RMCP+ client on the virtual clock', () => {
  it('chooses suite 17 when the BMC offers it and reuses one session', async () => {
    const { bmc, driver, run } = await setup([SUITE_3, SUITE_17]);
    bmc.powerOn = true;
    expect(await run(driver.powerState())).toBe('On');
    await run(driver.power('ForceOff'));
    expect(await run(driver.powerState())).toBe('Off');
    expect([...bmc.sessions.values()].map((s) => s.suite.id)).toEqual([17]);
    expect(bmc.received.filter((k) => k === 'open')).toHaveLength(1);
    expect(driver.sessionsOpened).toBe(1);
  });

  it('falls back to suite 3 when 17 is refused', async () => {
    const { bmc, driver, run } = await setup([SUITE_3]);
    expect(await run(driver.powerState())).toBe('Off');
    expect([...bmc.sessions.values()].map((s) => s.suite.id)).toEqual([3]);
    expect(bmc.received.filter((k) => k === 'open')).toHaveLength(2);
  });

  it('refuses a BMC that offers only suites without integrity or confidentiality, naming them', async () => {
    const { bmc, driver, run } = await setup([SUITE_0, SUITE_1]);
    const error = await run(driver.powerState()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(String(error)).toMatch(/offers cipher suite\(s\) 0, 1/);
    expect(bmc.sessions.size).toBe(0);
  });

  it('detects a wrong password at RAKP2 and never sends RAKP3', async () => {
    const { bmc, driver, run } = await setup([SUITE_17], { password: 'nope' });
    const error = await run(driver.powerState()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BmcAuthError);
    expect(bmc.received).not.toContain('rakp3');
  });

  it('reports an unknown user as BmcAuthError', async () => {
    const { driver, run } = await setup([SUITE_3], { username: 'ghost' });
    await expect(run(driver.probe())).rejects.toBeInstanceOf(BmcAuthError);
  });

  it('retransmits lost datagrams with doubling backoff and gets through', async () => {
    const plan: FaultPlanData = { faults: [{ target: 'bmc:fake', kind: 'drop', window: { fromMs: 0, toMs: 500 } }] };
    const { bmc, driver, run, times } = await setup([SUITE_17], { timeoutMs: 3000, retries: 4 }, plan);
    expect(await run(driver.powerState())).toBe('Off');
    const first = times.find((t) => t.kind === 'v15');
    // 3000 ms over 5 attempts: waits ≈ 97, 194, 387, 774 … ms (±10 %); the first to get through is sent after 500 ms.
    expect(first?.atMs).toBeGreaterThanOrEqual(500);
    expect(first?.atMs).toBeLessThan(1000);
    expect(bmc.received).toContain('ipmi:0:1');
  });

  it('gives up after the configured retries at the per-call deadline with BmcUnreachableError', async () => {
    const { bmc, driver, run, elapsed, times } = await setup([SUITE_17], { timeoutMs: 1500, retries: 2 });
    bmc.silence = () => true;
    const error = await run(driver.powerState()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect(String(error)).toMatch(/no answer after 3 attempt\(s\) in 1500 ms/);
    expect(elapsed()).toBe(1500);
    const at = times.map((t) => t.atMs);
    expect(at).toHaveLength(3);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!];
    expect(gaps[1]! / gaps[0]!).toBeGreaterThan(1.5);
  });

  it('opens a new session transparently when the BMC has forgotten the old one', async () => {
    const { bmc, driver, run } = await setup([SUITE_17], { timeoutMs: 600, retries: 1 });
    expect(await run(driver.powerState())).toBe('Off');
    bmc.forgetSessions();
    bmc.powerOn = true;
    expect(await run(driver.powerState())).toBe('On');
    expect(driver.sessionsOpened).toBe(2);
    expect(bmc.received).toContain('ipmi:unknown-session');
  });

  it('replaces a session idle past sessionIdleMs before using it', async () => {
    const { bmc, clock, driver, run } = await setup([SUITE_17], { sessionIdleMs: 30_000 });
    await run(driver.powerState());
    await clock.runFor(31_000);
    await run(driver.powerState());
    expect(driver.sessionsOpened).toBe(2);
    expect(bmc.received).not.toContain('ipmi:unknown-session');
    expect(bmc.received.filter((k) => k === 'ipmi:6:60')).toHaveLength(1);
  });

  it('bounds requests in flight per session', async () => {
    const plan: FaultPlanData = { faults: [{ target: 'bmc:fake', kind: 'latency', latencyMs: 50 }] };
    const { driver, run, times } = await setup([SUITE_17], { maxInFlight: 2, timeoutMs: 5000 }, plan);
    await run(driver.powerState());
    await run(Promise.all(Array.from({ length: 8 }, () => driver.powerState())));
    const status = times.filter((t) => t.kind === 'ipmi:0:1').slice(1);
    const perInstant = new Map<number, number>();
    for (const t of status) perInstant.set(t.atMs, (perInstant.get(t.atMs) ?? 0) + 1);
    expect(status).toHaveLength(8);
    expect(Math.max(...perInstant.values())).toBe(2);
  });

  it('stops waiting when the AbortSignal fires', async () => {
    const { bmc, clock, driver, run, elapsed } = await setup([SUITE_17], { timeoutMs: 5000 });
    bmc.silence = () => true;
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(new Error('operator cancelled')), 200);
    await expect(run(driver.powerState(controller.signal))).rejects.toThrow('operator cancelled');
    expect(elapsed()).toBeLessThan(300);
  });

  it('closes the session on close() and refuses work afterwards', async () => {
    const { bmc, driver, run } = await setup([SUITE_17]);
    await run(driver.powerState());
    await run(driver.close());
    expect(bmc.received).toContain('ipmi:6:60');
    expect(bmc.sessions.size).toBe(0);
    await expect(driver.powerState()).rejects.toThrow(/closed/);
  });

  it('draws the same retransmission timeline from the same seed', async () => {
    const timeline = async (): Promise<number[]> => {
      const { bmc, driver, run, times } = await setup([SUITE_17], { timeoutMs: 1500, retries: 3 });
      bmc.silence = () => true;
      await run(driver.powerState()).catch(() => undefined);
      return times.map((t) => t.atMs);
    };
    expect(await timeline()).toEqual(await timeline());
  });
});
