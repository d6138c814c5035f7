import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock } from '../../../../sim/index.js';
import { BmcBadRequestError, FetchTransport, GENERIC_QUIRKS, RedfishDriver, VENDOR_PROFILES, selectProfile, type RedfishDriverConfig } from '../../../../orchestrator/index.js';

const base = (): RedfishDriverConfig => ({
  endpoint: 'https://10.1.2.3',
  credentials: { username: 'admin', password: 'pw' },
  clock: new VirtualClock(),
  random: new SeededRandom(1),
  timeoutMs: 5_000,
  log: { warn: () => undefined },
});

function problem(config: unknown): string {
  try {
    new RedfishDriver(config as RedfishDriverConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(BmcBadRequestError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('RedfishDriver config, checked at the door', () => {
  it('accepts a good config with every capability before discovery', () => {
    const d = new RedfishDriver(base());
    expect(d.protocol).toBe('redfish');
    expect(d.capabilities.has('bios')).toBe(true);
  });

  it.each([
    [{ endpoint: 'ftp://x' }, 'endpoint: scheme ftp: is not HTTP'],
    [{ endpoint: 'http://10.1.2.3' }, 'plain http to a non-loopback BMC'],
    [{ endpoint: 'https://u:p@10.1.2.3' }, 'endpoint: carries credentials'],
    [{ endpoint: 'https://10.1.2.3/other' }, 'endpoint: has a path'],
    [{ endpoint: 'nope' }, 'is not a URL'],
    [{ credentials: { username: '', password: 'x' } }, 'credentials.username: missing or empty'],
    [{ clock: {} }, 'clock: missing or not a Clock'],
    [{ random: undefined }, 'random: missing or not a Random'],
    [{ timeoutMs: 0 }, 'timeoutMs: 0 is not an integer in 1..600000'],
    [{ retryAttempts: 100 }, 'retryAttempts: 100'],
    [{ tls: { insecureSkipVerify: false } }, 'tls.insecureSkipVerify: must be exactly true'],
    [{ tls: { insecureSkipVerify: true, caCertificates: 'x' } }, 'tls: both caCertificates and insecureSkipVerify'],
    [{ tls: { caCertificates: 'not pem' } }, 'tls.caCertificates: not PEM certificates'],
    [{ tls: {} }, 'tls: names neither'],
    [{ transport: new FetchTransport(), tls: { insecureSkipVerify: true } }, 'tls: given together with transport'],
    [{ profile: 'acme' }, 'profile: unknown profile "acme"'],
  ])('refuses %j', (override, text) => {
    expect(problem({ ...base(), ...override })).toContain(text);
  });

  it('reports every problem at once, each with a fix', () => {
    const message = problem({ endpoint: 'nope', timeoutMs: -1 });
    expect(message.split('; ').length).toBeGreaterThanOrEqual(4);
    expect(message).toContain(' — ');
  });

  it('allows plain http on loopback only', () => {
    expect(() => new RedfishDriver({ ...base(), endpoint: 'http://127.1.1.3:8000' })).not.toThrow();
  });
});

describe('vendor profiles', () => {
  const facts = { vendor: undefined, oemKeys: [], manufacturer: undefined, managerModel: undefined, systemModel: undefined };

  it('cites a field note or design line for every quirk every profile sets', () => {
    for (const profile of VENDOR_PROFILES) {
      for (const entry of [profile, ...(profile.models ?? [])]) {
        for (const key of Object.keys(entry.quirks)) {
          expect(entry.notes[key as keyof typeof entry.notes], `${profile.id}.${key}`).toMatch(/FN \d+|peer \d+|DESIGN\.md/);
        }
      }
    }
  });

  it('picks a profile from what the service says about itself', () => {
    expect(selectProfile({ ...facts, vendor: 'Dell' }).id).toBe('dell-idrac');
    expect(selectProfile({ ...facts, oemKeys: ['Hpe'] }).id).toBe('hpe-ilo');
    expect(selectProfile({ ...facts, manufacturer: 'Lenovo' }).id).toBe('lenovo-xcc');
    expect(selectProfile({ ...facts, managerModel: 'iDRAC 9' }).id).toBe('dell-idrac');
    expect(selectProfile({ ...facts, vendor: 'Contoso' })).toEqual({ id: 'generic', quirks: GENERIC_QUIRKS });
  });

  it('applies model entries on top of the vendor profile', () => {
    expect(selectProfile({ ...facts, manufacturer: 'Lenovo', systemModel: 'ThinkSystem SR675 V3' }).quirks.forceRestartHangs).toBe(true);
    expect(selectProfile({ ...facts, manufacturer: 'Supermicro', systemModel: 'ARS-111GL-NHR' }).quirks.cdBootTarget).toBe('Cd');
    expect(selectProfile({ ...facts, manufacturer: 'Supermicro', systemModel: 'X12DPi' }).quirks.cdBootTarget).toBe('UsbCd');
  });
});
