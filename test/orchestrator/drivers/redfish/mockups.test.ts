/**
 * The driver against DMTF's two public mockups, served read-only over a real
 * loopback HTTPS socket (certificate from a CA made for the run), through the
 * default node:https transport.
 * The mockups have no sessions, so this also covers the basic-auth fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, SystemClock } from '../../../../sim/index.js';
import { BmcUnreachableError, NotSupportedError, RedfishDriver, hasCapability, type RedfishDriverConfig } from '../../../../orchestrator/index.js';
import { mockupHandler } from './support/mockup-handler.js';
import { serveOnLoopback, type LoopbackServer } from './support/loopback.js';
import { FakeBmc } from './support/fake-bmc.js';

const servers: Record<string, LoopbackServer> = {};
const drivers: RedfishDriver[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  servers['rackmount'] = await serveOnLoopback(mockupHandler('public-rackmount1'));
  servers['localstorage'] = await serveOnLoopback(mockupHandler('public-localstorage'));
});

afterAll(async () => {
  for (const d of drivers) await d.close();
  for (const s of Object.values(servers)) await s.close();
});

function driverOn(server: LoopbackServer, overrides: Partial<RedfishDriverConfig> = {}): RedfishDriver {
  const d = new RedfishDriver({
    endpoint: server.origin,
    credentials: { username: 'root', password: 'calvin' },
    clock: new SystemClock(),
    random: new SeededRandom(11),
    timeoutMs: 5_000,
    retryBaseDelayMs: 10,
    log: { warn: (m) => warnings.push(m) },
    ...(server.ca === undefined ? {} : { tls: { caCertificates: server.ca } }),
    ...overrides,
  });
  drivers.push(d);
  return d;
}

const driverFor = (name: 'rackmount' | 'localstorage', overrides: Partial<RedfishDriverConfig> = {}): RedfishDriver => driverOn(servers[name]!, overrides);

describe('Redfish driver against public-rackmount1', () => {
  it('probes vendor, model, firmware and UUID from the service root, manager and system', async () => {
    const d = driverFor('rackmount');
    const id = await d.probe();
    expect(id).toMatchObject({
      protocol: 'redfish',
      manufacturer: 'Contoso',
      model: '3500',
      firmwareVersion: '1.45.455b66-rev4',
      uuid: '38947555-7742-3448-3784-823347823834',
      redfishVersion: '1.15.0',
      profile: 'generic',
      managerModel: 'Joo Janta 200',
      systemPath: '/redfish/v1/Systems/437XR1138R2',
      serialNumber: '437XR1138R2',
    });
    expect(id.serviceTag).toBeUndefined();
    // Narrowed to what the service offers: no Storage collection here, so no RAID.
    expect([...d.capabilities].sort()).toEqual(['bios', 'boot-override', 'event-subscription', 'inventory', 'power', 'virtual-media']);
    expect(hasCapability(d, 'raid')).toBe(false);
  });

  it('reads the inventory: CPUs, memory, SimpleStorage disks, NICs with MACs, firmware', async () => {
    const inv = await driverFor('rackmount').inventory();
    expect(inv.processors.map((p) => p.id)).toEqual(['CPU1']); // CPU2 is Absent, FPGA1 is not a CPU
    expect(inv.processors[0]).toMatchObject({ cores: 8, threads: 16, maxSpeedMHz: 3700, socket: 'CPU 1' });
    expect(inv.memory.length).toBeGreaterThanOrEqual(3);
    expect(inv.memory[0]).toMatchObject({ id: 'DIMM1', capacityMiB: 32768, type: 'DDR4' });
    expect(inv.drives.map((x) => x.model)).toEqual(['3000GT8', '3000GT7']); // two bays absent
    // ToManager is the host-to-BMC interface; VLAN1 is virtual. NIC 2 runs a locally administered MAC.
    expect(inv.nics.map((n) => n.macAddress)).toEqual(['12:44:6a:3b:04:11', 'aa:bb:cc:dd:ee:00']);
    expect(inv.nics[1]).toMatchObject({ id: '12446A3B8890', permanentMacAddress: '12:44:6a:3b:88:90' });
    expect(inv.nics[0]!.permanentMacAddress).toBeUndefined();
    expect(inv.nics[0]).toMatchObject({ id: '12446A3B0411', speedMbps: 1000, linkUp: true });
    expect(inv.firmware.map((f) => `${f.id}=${f.version}`)).toContain('BMC=1.45.455b66-rev4');
    expect(inv).toMatchObject({ manufacturer: 'Contoso', model: '3500', serialNumber: '437XR1138R2', biosVersion: 'P79 v1.45 (12/06/2017)' });
  });

  it('reads power state and the boot override', async () => {
    const d = driverFor('rackmount');
    expect(await d.powerState()).toBe('On');
    expect(await d.bootOverride()).toEqual({ enabled: 'Once', device: 'Pxe', rawTarget: 'Pxe', mode: 'UEFI' });
  });

  it('reads BIOS current and pending settings through @Redfish.Settings', async () => {
    const bios = await driverFor('rackmount').bios();
    expect(bios.current).toMatchObject({ BootMode: 'Uefi', EmbeddedSata: 'Raid', ProcCoreDisable: 0 });
    expect(bios.pending).toEqual({ AdminPhone: '(404) 555-1212', EmbeddedSata: 'Ahci', NicBoot2: 'NetworkBoot', ProcTurboMode: 'Disabled' });
  });

  it('reads FRU text and virtual media slots (under the system here)', async () => {
    const d = driverFor('rackmount');
    expect(await d.fru()).toMatchObject({ productManufacturer: 'Contoso', productName: '3500', productSerial: '437XR1138R2', productPartNumber: '224071-J23' });
    const slots = await d.virtualMedia();
    expect(slots.map((s) => s.id.split('/').pop())).toEqual(['Floppy1', 'CD1', 'CD2']);
    expect(slots[1]).toMatchObject({ inserted: true, image: 'redfish.dmtf.org/freeImages/freeOS.1.1.iso' });
  });

  it('says RAID is not supported where the system has no Storage', async () => {
    const error = await driverFor('rackmount').volumes().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
  });

  it('reuses its keep-alive connection across requests', async () => {
    const server = servers['rackmount']!;
    const before = server.connections();
    await driverFor('rackmount').inventory();
    expect(server.connections() - before).toBeLessThanOrEqual(4); // the per-BMC pool, not one per request (~30 requests)
  });

  it('fails TLS to an untrusted certificate as unreachable, and warns when verification is skipped', async () => {
    const server = servers['rackmount']!;
    if (server.ca === undefined) return; // plain HTTP fallback: nothing to verify
    const untrusted = driverFor('rackmount', { tls: undefined as never, retryAttempts: 1 });
    const error = await untrusted.probe().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BmcUnreachableError);
    const skipping = driverFor('rackmount', { tls: { insecureSkipVerify: true } });
    expect(warnings.some((w) => w.includes('verification is OFF'))).toBe(true);
    expect((await skipping.probe()).manufacturer).toBe('Contoso');
  });
});

describe('Redfish driver against public-localstorage', () => {
  it('lists RAID volumes through Storage/Volumes', async () => {
    const d = driverFor('localstorage');
    const volumes = await d.volumes();
    expect(volumes.map((v) => v.id)).toEqual([1, 2, 3].map((n) => `/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/${n}`));
    expect(volumes[0]).toMatchObject({ name: 'Virtual Disk 1', raidLevel: 'RAID1', capacityBytes: 899527000064, controller: '/redfish/v1/Systems/437XR1138R2/Storage/1' });
    expect(volumes[0]!.drives).toHaveLength(2);
    expect(d.capabilities.has('raid')).toBe(true);
  });

  it('reads drives from Storage and virtual media from the manager', async () => {
    const d = driverFor('localstorage');
    const inv = await d.inventory();
    expect(inv.drives).toHaveLength(4);
    expect(inv.drives[0]).toMatchObject({ controller: '1', protocol: 'SAS', capacityBytes: 899527000064 });
    expect((await d.virtualMedia()).map((s) => s.id)).toEqual(['/redfish/v1/Managers/BMC/VirtualMedia/Floppy1', '/redfish/v1/Managers/BMC/VirtualMedia/CD1']);
    expect(await d.probe()).toMatchObject({ model: '3500RX', manufacturer: 'Contoso' });
    expect(await d.bootOverride()).toMatchObject({ device: 'Pxe', mode: 'UEFI' });
  });

  it('refuses writes the read-only mockup does not allow, as NotSupported with its message', async () => {
    const error = await driverFor('localstorage').power('ForceOff').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as Error).message).toContain('This mockup is read-only.');
  });
});

describe('Redfish driver writing over a real socket (node:https transport, scripted fake BMC)', () => {
  it('logs in, PATCHes with If-Match, POSTs, and logs out on close', async () => {
    const fake = new FakeBmc({ etagRequired: true });
    const server = await serveOnLoopback(fake.handler);
    try {
      const d = driverOn(server, { credentials: { username: 'admin', password: 'secret' } });
      await d.setBootOverride({ device: 'Hdd', persistent: true, mode: 'UEFI' });
      expect(await d.bootOverride()).toMatchObject({ enabled: 'Continuous', device: 'Hdd' });
      await d.power('ForceOff');
      expect(await d.powerState()).toBe('Off');
      const sub = await d.subscribe({ destination: 'https://10.0.0.2/events', context: 'drill' });
      expect(fake.get(sub.id)).toMatchObject({ Context: 'drill' });
      await d.close();
      expect(fake.sessions.size).toBe(0);
      expect(fake.calls('POST', '/Sessions')).toHaveLength(1);
      expect(server.connections()).toBeLessThanOrEqual(3);
    } finally {
      await server.close();
    }
  });
});
