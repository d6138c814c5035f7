/**
 * Write paths and protocol behaviours against the scripted fake BMC
 * (support/fake-bmc.ts), in model fidelity: virtual clock, seeded Random, the
 * in-process network answering the driver's fetch. The fake is a unit fixture;
 * the acceptance test against the twin's Redfish BMC comes when twins/redfish lands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BmcAuthError,
  BmcBadRequestError,
  BmcBusyError,
  BmcError,
  BmcUnreachableError,
  NotSupportedError,
} from '../../../../orchestrator/index.js';
import { extendedError, FakeBmc, type FakeBmcOptions } from './support/fake-bmc.js';
import { model, rejection, type Model } from './support/harness.js';

let current: Model | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

function setup(options: FakeBmcOptions = {}, seed = 1): { fake: FakeBmc; m: Model } {
  const fake = new FakeBmc(options);
  const m = model(fake.handler, seed);
  current = m;
  return { fake, m };
}

describe('sessions', () => {
  it('logs in once, reuses the token, and logs out on close', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    await m.run(() => d.probe());
    await m.run(() => d.powerState());
    expect(fake.calls('POST', '/Sessions')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path !== '/redfish/v1' && r.method === 'GET').every((r) => r.headers['x-auth-token'] === 'tok-1')).toBe(true);
    await m.run(() => d.close());
    expect(fake.calls('DELETE', '/SessionService/Sessions/1')).toHaveLength(1);
    expect(fake.sessions.size).toBe(0);
    expect(await rejection(m.run(() => d.powerState()))).toBeInstanceOf(BmcError);
  });

  it('logs in again when the session expires (401), once', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    await m.run(() => d.probe());
    fake.expireSessions();
    expect(await m.run(() => d.powerState())).toBe('On');
    expect(fake.calls('POST', '/Sessions')).toHaveLength(2);
  });

  it('backs off with jitter while the session pool is full, then gets in', async () => {
    const { fake, m } = setup({ sessionLimit: 2 });
    fake.occupySessions(2);
    m.clock.setTimeout(() => fake.releaseOtherSessions(), 5_000);
    const d = m.driver();
    const start = m.clock.now();
    await m.run(() => d.probe());
    expect(fake.calls('POST', '/Sessions').length).toBeGreaterThan(1);
    expect(m.clock.now() - start).toBeGreaterThanOrEqual(5_000);
  });

  it('gives up on a full session pool with a retryable BmcBusyError', async () => {
    const { fake, m } = setup({ sessionLimit: 1 });
    fake.occupySessions(1);
    const error = await rejection(m.run(() => m.driver({ retryAttempts: 2 }).probe()));
    expect(error).toBeInstanceOf(BmcBusyError);
    expect(error.retryable).toBe(true);
    expect(fake.calls('POST', '/Sessions')).toHaveLength(4); // retryAttempts + 2, bounded
  });

  it('falls back to basic auth when the BMC has no sessions', async () => {
    const { fake, m } = setup({ sessions: false });
    await m.run(() => m.driver().probe());
    expect(fake.requests.find((r) => r.path.endsWith('/Systems/1'))!.headers['authorization']).toMatch(/^Basic /);
  });

  it('classifies wrong credentials as BmcAuthError, not retryable', async () => {
    const { m } = setup();
    const error = await rejection(m.run(() => m.driver({ credentials: { username: 'admin', password: 'nope' } }).probe()));
    expect(error).toBeInstanceOf(BmcAuthError);
    expect(error.retryable).toBe(false);
  });
});

describe('transient failures and timeouts', () => {
  it('retries a BMC that answers 503 and then recovers', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'GET', pathIncludes: '/Systems/1' }, () => new Response('busy', { status: 503, headers: { 'retry-after': '2' } }), 2);
    expect(await m.run(() => m.driver().powerState())).toBe('On');
  });

  it('says busy when the 503s do not stop', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'GET', pathIncludes: '/Systems/1' }, () => new Response('busy', { status: 503 }), 100);
    expect(await rejection(m.run(() => m.driver({ retryAttempts: 3 }).probe()))).toBeInstanceOf(BmcBusyError);
  });

  it('times a silent BMC out on the injected clock, per request', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'GET', pathIncludes: '/Systems/1' }, () => new Promise<Response>(() => undefined) as never, 100);
    const start = m.clock.now();
    const error = await rejection(m.run(() => m.driver({ timeoutMs: 3_000, retryAttempts: 2, retryBaseDelayMs: 100 }).probe()));
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect(error.message).toContain('no answer within 3000 ms');
    expect(m.clock.now() - start).toBeGreaterThanOrEqual(6_000);
    expect(m.clock.now() - start).toBeLessThan(7_000);
  });

  it('carries the BMC @Message.ExtendedInfo message in a BmcBadRequestError', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'PATCH' }, () => extendedError(400, 'Base.1.0.PropertyValueNotInList', 'The value Sometimes for ProcTurboMode is not in the list.'));
    const error = await rejection(m.run(() => m.driver().setBiosPending({ ProcTurboMode: 'Sometimes' })));
    expect(error).toBeInstanceOf(BmcBadRequestError);
    expect(error.message).toContain('The value Sometimes for ProcTurboMode is not in the list.');
    expect(error.message).toContain('Base.1.0.PropertyValueNotInList');
    expect(error.retryable).toBe(false);
  });

  it('keeps the text of a single-object ExtendedInfo (iDRAC, field note 13)', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'POST', pathIncludes: 'Reset' }, () => extendedError(400, 'Base.1.0.PropertyValueFormatError', 'The value has the wrong format.', true));
    const error = await rejection(m.run(() => m.driver().power('ForceOff')));
    expect(error).toBeInstanceOf(BmcBadRequestError);
    expect(error.message).toContain('The value has the wrong format.');
  });
});

describe('power', () => {
  it('maps actions onto the allowed reset types and skips what is already done', async () => {
    const { fake, m } = setup({ resetTypes: ['On', 'ForceOff', 'ForceRestart', 'PushPowerButton'] });
    const d = m.driver();
    await m.run(() => d.power('On')); // already on
    expect(fake.calls('POST', 'Reset')).toHaveLength(0);
    await m.run(() => d.power('PowerCycle')); // not allowed → ForceRestart
    await m.run(() => d.power('GracefulShutdown')); // not allowed → PushPowerButton
    expect(fake.calls('POST', 'Reset').map((r) => (r.body as { ResetType: string }).ResetType)).toEqual(['ForceRestart', 'PushPowerButton']);
  });

  it('retries a power-on refused with 409 right after a power-off (iDRAC10)', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    await m.run(() => d.power('ForceOff'));
    fake.failNext({ method: 'POST', pathIncludes: 'Reset' }, () => extendedError(409, 'Base.1.0.ActionParameterValueConflict', 'The parameter ResetType conflicts with the current state.'));
    await m.run(() => d.power('On'));
    expect(await m.run(() => d.powerState())).toBe('On');
  });

  it('retries an iLO 400 ResourceInUse ("in transition") as a state conflict', async () => {
    const { fake, m } = setup({ flavour: 'hpe' });
    fake.failNext({ method: 'POST', pathIncludes: 'Reset' }, () => extendedError(400, 'Base.1.22.ResourceInUse', 'The change to the requested resource failed because the resource is in use or in transition.'));
    await m.run(() => m.driver().power('ForceOff'));
    expect(fake.calls('POST', 'Reset')).toHaveLength(2);
  });

  it('waits (bounded) for a power transition to end before a restart', async () => {
    const { fake, m } = setup();
    fake.get('/redfish/v1/Systems/1')['PowerState'] = 'PoweringOn';
    m.clock.setTimeout(() => (fake.get('/redfish/v1/Systems/1')['PowerState'] = 'On'), 8_000);
    const start = m.clock.now();
    await m.run(() => m.driver().power('ForceRestart'));
    expect(fake.calls('POST', 'Reset')).toHaveLength(1);
    expect(m.clock.now() - start).toBeGreaterThanOrEqual(8_000);
  });

  it('polls a 202 task monitor on the clock until the task completes', async () => {
    const { fake, m } = setup({ taskPolls: 3 });
    const d = m.driver();
    const start = m.clock.now();
    await m.run(() => d.power('ForceRestart'));
    expect(fake.calls('GET', '/Monitor')).toHaveLength(4);
    expect(m.clock.now() - start).toBeGreaterThanOrEqual(4_000); // Retry-After: 1 s per poll
  });

  it('fails a task that ends in Exception with the task messages', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'POST', pathIncludes: 'Reset' }, () => fake.acceptedFailing());
    const error = await rejection(m.run(() => m.driver().power('ForceOff')));
    expect(error).toBeInstanceOf(BmcBadRequestError);
    expect(error.message).toContain('The task failed.');
  });

  it('gives up waiting on a task after taskTimeoutMs', async () => {
    const { fake, m } = setup({ taskPolls: 1_000 });
    const error = await rejection(m.run(() => m.driver({ taskTimeoutMs: 20_000 }).power('ForceOff')));
    expect(error).toBeInstanceOf(BmcBusyError);
    expect(fake.calls('GET', '/Monitor').length).toBeLessThanOrEqual(21);
  });
});

describe('boot override', () => {
  it('sends the full payload once/UEFI and reads it back', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    await m.run(() => d.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    expect(fake.calls('PATCH', '/Systems/1')[0]!.body).toEqual({ Boot: { BootSourceOverrideEnabled: 'Once', BootSourceOverrideTarget: 'Pxe', BootSourceOverrideMode: 'UEFI' } });
    expect(fake.calls('PATCH', '/Systems/1')[0]!.headers['if-match']).toMatch(/^"/);
    expect(await m.run(() => d.bootOverride())).toEqual({ enabled: 'Once', device: 'Pxe', rawTarget: 'Pxe', mode: 'UEFI' });
  });

  it('clears it with the full payload (Disabled, None, the mode as it is)', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    await m.run(() => d.setBootOverride({ device: 'Pxe', persistent: true, mode: 'Legacy' }));
    await m.run(() => d.clearBootOverride());
    expect(fake.calls('PATCH', '/Systems/1')[1]!.body).toEqual({ Boot: { BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideTarget: 'None', BootSourceOverrideMode: 'Legacy' } });
    expect(await m.run(() => d.bootOverride())).toMatchObject({ enabled: 'Disabled', device: undefined });
  });

  it('leaves the mode out where the BMC has no BootSourceOverrideMode', async () => {
    const { fake, m } = setup({ bootModeAbsent: true });
    await m.run(() => m.driver().setBootOverride({ device: 'Hdd', persistent: true, mode: 'Legacy' }));
    expect(fake.calls('PATCH', '/Systems/1')[0]!.body).toEqual({ Boot: { BootSourceOverrideEnabled: 'Continuous', BootSourceOverrideTarget: 'Hdd' } });
  });

  it('uses UsbCd for Cd where the BMC lists it (Supermicro), and refuses Continuous where not allowed', async () => {
    const { fake, m } = setup({ flavour: 'supermicro', bootEnabledValues: ['Once', 'Disabled'] });
    const d = m.driver();
    await m.run(() => d.setBootOverride({ device: 'Cd', persistent: false, mode: 'UEFI' }));
    expect((fake.calls('PATCH', '/Systems/1')[0]!.body as { Boot: { BootSourceOverrideTarget: string } }).Boot.BootSourceOverrideTarget).toBe('UsbCd');
    expect(await rejection(m.run(() => d.setBootOverride({ device: 'Cd', persistent: true, mode: 'UEFI' })))).toBeInstanceOf(NotSupportedError);
  });

  it('re-reads the ETag and retries once on 412', async () => {
    const { fake, m } = setup();
    fake.failNext({ method: 'PATCH' }, () => extendedError(412, 'Base.1.0.PreconditionFailed', 'ETag mismatch.'));
    await m.run(() => m.driver().setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    expect(fake.calls('PATCH', '/Systems/1')).toHaveLength(2);
  });

  it('sends If-Match: * where the profile requires one and the BMC offered no ETag (iLO)', async () => {
    const { fake, m } = setup({ flavour: 'hpe' });
    fake.failNext({ method: 'GET', pathIncludes: '/Systems/1' }, () => Response.json(fake.get('/redfish/v1/Systems/1')), 10);
    await m.run(() => m.driver().setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    expect(fake.calls('PATCH', '/Systems/1')[0]!.headers['if-match']).toBe('*');
  });
});

describe('BIOS', () => {
  it('stages settings in the object @Redfish.Settings names (/Bios/Pending) with an apply time', async () => {
    const { fake, m } = setup({ biosSettings: 'Pending' });
    const d = m.driver();
    const result = await m.run(() => d.setBiosPending({ ProcTurboMode: 'Disabled', ProcCoreDisable: 2 }));
    expect(result).toEqual({ apply: { kind: 'on-reset' }, resetRequired: true });
    expect(fake.calls('PATCH', '/Bios/Pending')[0]!.body).toEqual({ Attributes: { ProcTurboMode: 'Disabled', ProcCoreDisable: 2 }, '@Redfish.SettingsApplyTime': { ApplyTime: 'OnReset' } });
    const bios = await m.run(() => d.bios());
    expect(bios.pending).toEqual({ ProcTurboMode: 'Disabled', ProcCoreDisable: 2 });
    expect(bios.applyTimes).toEqual(['OnReset', 'Immediate']);
  });

  it('classifies a licence refusal (403 LicenseRequired) as NotSupported, not as bad credentials', async () => {
    const { fake, m } = setup({ flavour: 'supermicro' });
    fake.failNext({ method: 'PATCH' }, () => extendedError(403, 'Base.1.22.LicenseRequired', 'A license is required for this operation: SFT-DCMS-SINGLE.'));
    expect(await rejection(m.run(() => m.driver().setBiosPending({ ProcTurboMode: 'Disabled' })))).toBeInstanceOf(NotSupportedError);
  });

  it('refuses unknown names and wrong types before sending anything', async () => {
    const { fake, m } = setup();
    const error = await rejection(m.run(() => m.driver().setBiosPending({ NoSuchKnob: 'x', ProcCoreDisable: 'two', constructor: 'x' })));
    expect(error).toBeInstanceOf(BmcBadRequestError);
    expect(error.message).toContain('NoSuchKnob: not a BIOS attribute');
    // A name every object inherits is no BIOS attribute either.
    expect(error.message).toContain('constructor: not a BIOS attribute');
    expect(error.message).toContain('ProcCoreDisable: is a number');
    expect(fake.calls('PATCH')).toHaveLength(0);
  });

  it('returns the Dell config job the PATCH created', async () => {
    const { fake, m } = setup({ flavour: 'dell' });
    const result = await m.run(() => m.driver().setBiosPending({ ProcTurboMode: 'Disabled' }));
    expect(result.apply).toMatchObject({ kind: 'job', jobId: expect.stringMatching(/^JID_/) });
    // iDRAC needs the apply time even though it advertises none (field note 7).
    expect(fake.calls('PATCH', '/Bios/Settings')[0]!.body).toMatchObject({ '@Redfish.SettingsApplyTime': { ApplyTime: 'OnReset' } });
  });

  it('creates the Dell config job when the PATCH did not', async () => {
    const { fake, m } = setup({ flavour: 'dell', jobFromPatch: false });
    const result = await m.run(() => m.driver().setBiosPending({ ProcTurboMode: 'Disabled' }));
    expect(result.apply).toMatchObject({ kind: 'job' });
    expect(fake.calls('POST', '/Managers/1/Jobs')[0]!.body).toEqual({ TargetSettingsURI: '/redfish/v1/Systems/1/Bios/Settings' });
  });
});

describe('RAID, virtual media, events', () => {
  it('creates and deletes a volume, with task polling', async () => {
    const { fake, m } = setup({ taskPolls: 1 });
    const d = m.driver();
    const created = await m.run(() => d.createVolume({ raidLevel: 'RAID1', drives: ['D0', 'D1'], name: 'os' }));
    expect(created.kind).toBe('done');
    expect(fake.calls('POST', '/Volumes')[0]!.body).toEqual({
      RAIDType: 'RAID1',
      Name: 'os',
      Links: { Drives: [{ '@odata.id': '/redfish/v1/Systems/1/Storage/1/Drives/D0' }, { '@odata.id': '/redfish/v1/Systems/1/Storage/1/Drives/D1' }] },
      '@Redfish.OperationApplyTime': 'Immediate',
    });
    const volumes = await m.run(() => d.volumes());
    expect(volumes).toHaveLength(1);
    await m.run(() => d.deleteVolume(volumes[0]!.id));
    expect(await m.run(() => d.volumes())).toEqual([]);
    expect(await rejection(m.run(() => d.deleteVolume('/redfish/v1/AccountService/Accounts/1')))).toBeInstanceOf(BmcBadRequestError);
    expect(await rejection(m.run(() => d.createVolume({ raidLevel: 'RAID1', drives: ['D9'] })))).toBeInstanceOf(BmcBadRequestError);
  });

  it('retries SYS518 on Dell while the controller reloads, and omits OperationApplyTime on delete', async () => {
    const { fake, m } = setup({ flavour: 'dell' });
    const d = m.driver({ retryMaxDelayMs: 20_000 });
    await m.run(() => d.createVolume({ raidLevel: 'RAID0', drives: ['D2'] }));
    const [volume] = await m.run(() => d.volumes());
    fake.failNext({ method: 'DELETE' }, () => extendedError(503, 'IDRAC.2.8.SYS518', 'iDRAC is not ready. The configuration values cannot be accessed.'));
    fake.failNext({ method: 'DELETE' }, () => extendedError(400, 'IDRAC.2.8.SYS518', 'iDRAC is not ready.'));
    await m.run(() => d.deleteVolume(volume!.id));
    expect(fake.calls('DELETE', '/Volumes/').every((r) => r.body === undefined)).toBe(true);
  });

  it('inserts into a free CD slot and ejects with an empty JSON body', async () => {
    const { fake, m } = setup({ flavour: 'hpe' });
    const d = m.driver();
    const slot = await m.run(() => d.insertMedia({ imageUrl: 'http://10.0.0.1/boot.iso' }));
    expect(slot).toBe('/redfish/v1/Managers/1/VirtualMedia/CD1');
    expect(fake.calls('POST', 'InsertMedia')[0]!.body).toEqual({ Image: 'http://10.0.0.1/boot.iso', Inserted: true, WriteProtected: true });
    expect(await m.run(() => d.insertMedia({ imageUrl: 'http://10.0.0.1/boot.iso' }))).toBe(slot); // already there
    await m.run(() => d.ejectMedia());
    expect(fake.calls('POST', 'EjectMedia')[0]!.body).toEqual({});
    expect((await m.run(() => d.virtualMedia())).every((s) => !s.inserted)).toBe(true);
  });

  it('follows the profile on Supermicro (no flags, no query in the URL) and finds Dell slots under the system', async () => {
    const smc = setup({ flavour: 'supermicro' });
    const d = smc.m.driver();
    expect(await rejection(smc.m.run(() => d.insertMedia({ imageUrl: 'http://10.0.0.1/boot.iso?x=1' })))).toBeInstanceOf(BmcBadRequestError);
    await smc.m.run(() => d.insertMedia({ imageUrl: 'http://10.0.0.1/boot.iso' }));
    expect(smc.fake.calls('POST', 'InsertMedia')[0]!.body).toEqual({ Image: 'http://10.0.0.1/boot.iso' });
    await smc.m.dispose();
    const dell = setup({ flavour: 'dell' });
    expect(await dell.m.run(() => dell.m.driver().insertMedia({ imageUrl: 'https://10.0.0.1/x.iso' }))).toBe('/redfish/v1/Systems/1/VirtualMedia/CD1');
  });

  it('PATCHes the slot where the BMC has no InsertMedia action (XCC)', async () => {
    const { fake, m } = setup({ flavour: 'lenovo', vmediaNoActions: true });
    await m.run(() => m.driver().insertMedia({ imageUrl: 'http://10.0.0.1/boot.iso', type: 'DVD' }));
    expect(fake.calls('PATCH', '/VirtualMedia/CD1')[0]!.body).toEqual({ Image: 'http://10.0.0.1/boot.iso', Inserted: true });
  });

  it('creates and deletes an event subscription', async () => {
    const { fake, m } = setup();
    const d = m.driver();
    const sub = await m.run(() => d.subscribe({ destination: 'https://10.0.0.2:8443/events', eventTypes: ['Alert'] }));
    expect(fake.calls('POST', '/Subscriptions')[0]!.body).toEqual({ Destination: 'https://10.0.0.2:8443/events', Protocol: 'Redfish', EventTypes: ['Alert'] });
    await m.run(() => d.unsubscribe(sub.id));
    expect(fake.calls('DELETE', sub.id)).toHaveLength(1);
    expect(await rejection(m.run(() => d.subscribe({ destination: 'ftp://x' })))).toBeInstanceOf(BmcBadRequestError);
  });
});

describe('profiles and identity', () => {
  it('detects Dell and reports the service tag from SKU', async () => {
    const { m } = setup({ flavour: 'dell' });
    const d = m.driver();
    expect(await m.run(() => d.probe())).toMatchObject({ profile: 'dell-idrac', serviceTag: 'TAG123', serialNumber: 'SN1' });
    expect(d.profile).toBe('dell-idrac');
  });

  it('can be forced onto a profile', async () => {
    const { m } = setup({ flavour: 'dell' });
    expect(await m.run(() => m.driver({ profile: 'generic' }).probe())).toMatchObject({ profile: 'generic' });
  });
});
