/**
 * FreeIPMI's ipmi-power and ipmi-sensors (IPMI 2.0, cipher suites 3 and 17, no
 * workaround flags) against the simulated IPMI BMC over real loopback UDP.
 * Skips on a machine without freeipmi-tools; fails in CI (CI=true) instead.
 *
 * Run: npx vitest run test/third-party/ipmi/freeipmi.test.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { startWireTwin, tool, type ToolResult } from './support/wire-twin.js';

let twin: Awaited<ReturnType<typeof startWireTwin>>;
let cacheDir: string;
beforeEach(async () => {
  twin = await startWireTwin();
  cacheDir = await mkdtemp(join(tmpdir(), 'drill-freeipmi-'));
});
afterEach(async () => {
  await twin.dispose();
  await rm(cacheDir, { recursive: true, force: true });
});

const lan = (suite: number, password = 'secret'): string[] => ['-D', 'LAN_2_0', '-I', String(suite), '-h', `127.0.0.1:${twin.port}`, '-u', 'admin', '-p', password];

async function ok(command: string, args: readonly string[]): Promise<string> {
  const result: ToolResult = await tool(command, args);
  expect(result.code, `${command} ${args.join(' ')} failed: ${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

describeWithHost('freeipmi against the IPMI twin', [commandOnPath('ipmi-power'), commandOnPath('ipmi-sensors')], () => {
  for (const suite of [3, 17]) {
    it(`ipmi-power --stat / --on / --off with cipher suite ${suite}`, async () => {
      expect(await ok('ipmi-power', [...lan(suite), '--stat'])).toContain('127.0.0.1: off');
      expect(await ok('ipmi-power', [...lan(suite), '--on'])).toContain('127.0.0.1: ok');
      expect(twin.server.isPowered()).toBe(true);
      expect(await ok('ipmi-power', [...lan(suite), '--stat'])).toContain('127.0.0.1: on');
      expect(await ok('ipmi-power', [...lan(suite), '--off'])).toContain('127.0.0.1: ok');
      expect(twin.server.power).toBe('Off');
    });
  }

  it('ipmi-sensors reads every sensor; CPU and fans are N/A while the host is off', async () => {
    const out = await ok('ipmi-sensors', [...lan(17), `--sdr-cache-directory=${cacheDir}`]);
    for (const spec of twin.server.sensorSpecs) expect(out).toContain(spec.name);
    expect(out).toMatch(/Inlet Temp\s+\| Temperature\s+\| 2\d\.00\s+\| C\s+\| 'OK'/);
    expect(out).toMatch(/CPU1 Temp\s+\| Temperature\s+\| N\/A/);
    await ok('ipmi-power', [...lan(17), '--on']);
    const on = await ok('ipmi-sensors', [...lan(3), `--sdr-cache-directory=${cacheDir}`]);
    expect(on).toMatch(/CPU1 Temp\s+\| Temperature\s+\| \d+\.00\s+\| C/);
  });

  it('refuses a wrong password and cipher suite 0', async () => {
    const wrong = await tool('ipmi-power', [...lan(17, 'wrong'), '--on']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toContain('password invalid');
    const suite0 = await tool('ipmi-power', [...lan(0), '--on']);
    expect(suite0.code).not.toBe(0);
    expect(suite0.stdout + suite0.stderr).toContain('cipher suite id unavailable');
    expect(twin.server.power).toBe('Off');
  });
});
