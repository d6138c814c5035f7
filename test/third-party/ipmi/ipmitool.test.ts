/**
 * Debian's ipmitool (`-I lanplus`) against the simulated IPMI BMC over real
 * loopback UDP: what it prints, and that the twin's server really changed.
 * Skips on a machine without ipmitool; fails in CI (CI=true) instead.
 *
 * Run: npx vitest run test/third-party/ipmi/ipmitool.test.ts
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { startWireTwin, tool, type ToolResult } from './support/wire-twin.js';

let twin: Awaited<ReturnType<typeof startWireTwin>>;
beforeEach(async () => {
  twin = await startWireTwin();
});
afterEach(async () => {
  await twin.dispose();
});

function ipmitool(args: string, options: { suite?: number; user?: string; password?: string } = {}): Promise<ToolResult> {
  const { suite = 17, user = 'admin', password = 'secret' } = options;
  const base = ['-I', 'lanplus', '-C', String(suite), '-H', '127.0.0.1', '-p', String(twin.port), '-U', user, '-P', password, '-N', '1', '-R', '2'];
  return tool('ipmitool', [...base, ...args.split(' ')]);
}

async function ok(args: string, suite?: number): Promise<string> {
  const result = await ipmitool(args, suite === undefined ? {} : { suite });
  expect(result.code, `ipmitool ${args} failed: ${result.stderr}`).toBe(0);
  return result.stdout;
}

describeWithHost('ipmitool -I lanplus against the IPMI twin', [commandOnPath('ipmitool')], () => {
  for (const suite of [3, 17]) {
    it(`chassis power status / on / cycle / off with cipher suite ${suite}`, async () => {
      expect(await ok('chassis power status', suite)).toContain('Chassis Power is off');
      expect(await ok('chassis power on', suite)).toContain('Chassis Power Control: Up/On');
      expect(twin.server.isPowered()).toBe(true);
      expect(await ok('chassis power status', suite)).toContain('Chassis Power is on');
      expect(await ok('chassis power cycle', suite)).toContain('Chassis Power Control: Cycle');
      expect(twin.server.eventLog.map((e) => e.kind)).toContain('power-cycle');
      expect(await ok('chassis power off', suite)).toContain('Chassis Power Control: Down/Off');
      expect(twin.server.power).toBe('Off');
      expect(await ok('chassis power status', suite)).toContain('Chassis Power is off');
    });
  }

  it('chassis bootdev pxe options=efiboot, read back with chassis bootparam get 5', async () => {
    expect(await ok('chassis bootdev pxe options=efiboot')).toContain('Set Boot Device to pxe');
    expect(twin.server.bootOverride).toEqual({ device: 'Pxe', mode: 'Uefi', persistence: 'Once' });
    const param = await ok('chassis bootparam get 5');
    expect(param).toContain('Boot Flag Valid');
    expect(param).toContain('Options apply to only next boot');
    expect(param).toContain('BIOS EFI boot');
    expect(param).toContain('Boot Device Selector : Force PXE');
    await ok('chassis power on');
    expect(twin.server.lastBoot?.device).toBe('Pxe');
    expect(await ok('chassis bootparam get 5')).toContain('Boot Device Selector : No override');
  });

  it('mc info shows the identity', async () => {
    const out = await ok('mc info');
    expect(out).toMatch(/Firmware Revision\s+: 4\.40/);
    expect(out).toMatch(/IPMI Version\s+: 2\.0/);
    expect(out).toMatch(/Manufacturer ID\s+: 674/);
    expect(out).toMatch(/Manufacturer Name\s+: Dell Inc\./);
  });

  it('sdr list and sensor show every sensor with readings, units and thresholds', async () => {
    await ok('chassis power on');
    const sdr = await ok('sdr list');
    for (const spec of twin.server.sensorSpecs) expect(sdr).toContain(spec.name);
    expect(sdr).toMatch(/Inlet Temp\s+\| 2\d degrees C\s+\| ok/);
    expect(sdr).toMatch(/PSU1 Vin\s+\| 2\d\d Volts\s+\| ok/);
    const sensor = await ok('sensor');
    expect(sensor).toMatch(/CPU1 Temp\s+\| \d+\.000\s+\| degrees C\s+\| \w+\s+\| na\s+\| na\s+\| na\s+\| 85\.000\s+\| 95\.000\s+\| na/);
    expect(sensor).toMatch(/Fan1\s+\| [\d.]+\s+\| RPM\s+\| \w+\s+\| na\s+\| 600\.000\s+\| 1200\.000/);
  });

  it('fru print shows the board and product serials', async () => {
    const out = await ok('fru print');
    expect(out).toMatch(/Board Serial\s+: CN7016387B0042/);
    expect(out).toMatch(/Product Serial\s+: SVC1234/);
    expect(out).toMatch(/Chassis Serial\s+: CH8675309/);
    expect(out).toMatch(/Product Name\s+: PowerEdge R640/);
  });

  it('sel list shows the power events the server logged', async () => {
    await ok('chassis power on');
    await ok('chassis power off');
    const out = await ok('sel list');
    expect(out).toMatch(/1 \|.*System Boot Initiated.*Initiated by power up/);
    expect(out).toMatch(/2 \|.*Power Unit.*Power off\/down/);
    expect(await ok('sel clear')).toContain('Clearing SEL');
    expect(twin.server.eventLog.map((e) => e.kind)).toEqual(['log-cleared']);
  });

  it('refuses cipher suite 0 and a wrong password, and nothing changes', async () => {
    const suite0 = await ipmitool('chassis power on', { suite: 0 });
    expect(suite0.code).not.toBe(0);
    expect(suite0.stderr).toContain('no matching cipher suite');
    const wrong = await ipmitool('chassis power on', { password: 'wrong' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Unable to establish IPMI v2 / RMCP+ session');
    expect(twin.server.power).toBe('Off');
    expect(twin.bmc.responder.activeSessions()).toBe(0);
  });
});
