/**
 * The native IPMI driver against OpenIPMI's ipmi_sim (Debian `openipmi`), an
 * IPMI v2.0 BMC nobody here wrote, configured by this suite on 127.0.0.1.
 * ipmi_sim offers RMCP+ suites 0–14 but not 17, so these sessions also prove
 * the 17 → 3 fallback.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BmcAuthError, BmcUnreachableError, type IpmiDriver, type IpmiDriverConfig } from '../../../orchestrator/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { ascii, bcdPlus, compactSdr, fruImage, fullSdr, hexBytes, sixBit, systemEvent } from '../../orchestrator/drivers/ipmi/records.js';
import { freeUdpPort, loopbackDriver, startIpmiSim, type IpmiSim } from './ipmi-sim.js';

const FRU = fruImage({
  chassis: [ascii('CH-PART-1'), ascii('CHS-0042')],
  board: [ascii('Drill Boards'), sixBit('MAINBOARD X1'), ascii('BRD-7781'), ascii('PN-1')],
  product: [ascii('Drill Systems'), ascii('R640-like'), ascii('PRD-PN-9'), ascii('1.0'), bcdPlus('2024-0031')],
});

const EMU = [
  `mc_add_fru_data 0x20 0 ${FRU.length} data ${hexBytes(FRU)}`,
  // CPU temperature: 1 °C per count; 12 V rail: 0.06 V per count; a fan: 60 RPM per count; a power unit (discrete).
  `main_sdr_add 0x20 ${hexBytes(fullSdr({ recordId: 1, sensorNumber: 1, sensorType: 0x01, name: 'CPU Temp', unit: 1, m: 1, b: 0, bExp: 0, rExp: 0 }))}`,
  `main_sdr_add 0x20 ${hexBytes(fullSdr({ recordId: 2, sensorNumber: 2, sensorType: 0x02, name: '12V', unit: 4, m: 6, b: 0, bExp: 0, rExp: -2 }))}`,
  `main_sdr_add 0x20 ${hexBytes(fullSdr({ recordId: 3, sensorNumber: 3, sensorType: 0x04, name: 'FAN1', unit: 18, m: 60, b: 0, bExp: 0, rExp: 0 }))}`,
  `main_sdr_add 0x20 ${hexBytes(compactSdr(4, 4, 0x09, 'Power Unit'))}`,
  'sensor_add 0x20 0 1 0x01 0x01',
  'sensor_set_threshold 0x20 0 1 settable 111000 0x60 0x50 0x40 00 00 00',
  'sensor_set_value 0x20 0 1 0x44 0',
  'sensor_add 0x20 0 2 0x02 0x01',
  'sensor_set_value 0x20 0 2 0xc8 0',
  'sensor_add 0x20 0 3 0x04 0x01',
  'sensor_set_value 0x20 0 3 0x50 0',
  'sensor_add 0x20 0 4 0x09 0x6f',
  `sel_add 0x20 0x02 ${hexBytes(systemEvent(1_700_000_000, 0x09, 4, 0x6f, 0x00))}`,
  `sel_add 0x20 0x02 ${hexBytes(systemEvent(1_700_000_060, 0x01, 1, 0x01, 0x09))}`,
];

describeWithHost('IPMI driver against ipmi_sim', [commandOnPath('ipmi_sim')], () => {
  let sim: IpmiSim;
  const drivers: IpmiDriver[] = [];
  const driver = (overrides: Partial<IpmiDriverConfig> = {}): IpmiDriver =>
    loopbackDriver({ port: sim.port, username: 'admin', password: 'drill-secret', privilege: 'administrator', ...overrides }, drivers);

  beforeAll(async () => {
    sim = await startIpmiSim({
      users: [
        { id: 2, name: 'admin', password: 'drill-secret', privilege: 'admin' },
      ],
      emu: EMU,
      chassisControl: true,
      manufacturerId: 674,
      productId: 0x0f02,
    });
  });

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await sim?.dispose();
  });

  it('probes the BMC: manufacturer from the IANA table, firmware, GUID', async () => {
    const identity = await driver().probe();
    expect(identity).toMatchObject({ protocol: 'ipmi', manufacturer: 'Dell', firmwareVersion: '9.08', model: 'product 0x0F02 (device 0x00)' });
  });

  it('reads power state and drives on, off, cycle through chassis control', async () => {
    const d = driver();
    expect(await d.powerState()).toBe('Off');
    await d.power('On');
    expect(await sim.chassisState('power')).toBe('1');
    expect(await d.powerState()).toBe('On');
    await d.power('ForceOff');
    expect(await d.powerState()).toBe('Off');
    await d.power('On');
    await d.power('PowerCycle');
    expect(await sim.chassisState('log')).toMatch(/set power 0/);
    // ipmi_sim powers back on one second after a cycle.
    for (let i = 0; i < 40 && (await d.powerState()) !== 'On'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await d.powerState()).toBe('On');
    await d.power('ForceRestart');
    expect(await sim.chassisState('log')).toMatch(/set reset 1/);
    await d.power('GracefulShutdown');
    expect(await d.powerState()).toBe('Off');
    expect(d.sessionsOpened).toBe(1);
  });

  it('sets a boot override (PXE, then CD) the way ipmitool does', async () => {
    const d = driver();
    await d.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' });
    expect(await sim.chassisState('boot')).toBe('pxe');
    await d.setBootOverride({ device: 'Cd', persistent: true, mode: 'Legacy' });
    expect(await sim.chassisState('boot')).toBe('cdrom');
  });

  it('reads the FRU: chassis, board and product areas in 8-bit, 6-bit and BCD plus fields', async () => {
    expect(await driver().fru()).toEqual({
      chassisSerial: 'CHS-0042',
      boardManufacturer: 'Drill Boards',
      boardProduct: 'MAINBOARD X1',
      boardSerial: 'BRD-7781',
      productManufacturer: 'Drill Systems',
      productName: 'R640-like',
      productPartNumber: 'PRD-PN-9',
      productSerial: '2024-0031',
    });
  });

  it('walks the SDR repository and converts readings', async () => {
    const sensors = await driver().sensors();
    const byName = new Map(sensors.map((s) => [s.name, s]));
    expect(byName.get('CPU Temp')).toEqual({ name: 'CPU Temp', kind: 'temperature', value: 68, unit: 'degrees C', status: 'warning' });
    expect(byName.get('12V')).toEqual({ name: '12V', kind: 'voltage', value: 12, unit: 'Volts', status: 'ok' });
    expect(byName.get('FAN1')).toEqual({ name: 'FAN1', kind: 'fan', value: 4800, unit: 'RPM', status: 'ok' });
    expect(byName.get('Power Unit')).toMatchObject({ kind: 'other', unit: 'states' });
  });

  it('reads the SEL (ipmi_sim stamps entries with its own clock when they are added)', async () => {
    const log = await driver().eventLog();
    expect(log.slice(0, 2).map(({ id, sensor, message }) => ({ id, sensor, message }))).toEqual([
      { id: 1, sensor: 'Power Unit #0x04', message: 'Power off / down (asserted)' },
      { id: 2, sensor: 'Temperature #0x01', message: 'Upper Critical going high (asserted)' },
    ]);
    expect(log.every((e) => Number.isInteger(e.timestampMs) && e.timestampMs > 0)).toBe(true);
  });

  it('reports a wrong password as BmcAuthError at RAKP2, quickly', async () => {
    const started = Date.now();
    const error = await driver({ password: 'not-the-password' }).probe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BmcAuthError);
    expect(String(error)).toMatch(/RAKP2/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports an unknown user as BmcAuthError', async () => {
    await expect(driver({ username: 'nobody' }).probe()).rejects.toBeInstanceOf(BmcAuthError);
  });

  it('reports a closed port as BmcUnreachableError within the configured retries', async () => {
    const port = await freeUdpPort();
    const started = Date.now();
    const error = await driver({ port, timeoutMs: 600, retries: 2 }).powerState().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect(String(error)).toMatch(/no answer after 3 attempt/);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
