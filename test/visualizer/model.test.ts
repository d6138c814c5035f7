// The page's pure parts: what colour a server gets, where it is drawn, what
// the search matches, and what a replayed trace says the state was.
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../visualizer/src/filter.js';
import { layoutTopology, UNIT_PX } from '../../visualizer/src/layout.js';
import { layerOf } from '../../visualizer/src/lifecycle.js';
import { stateText } from '../../visualizer/src/role-state.js';
import { parseTrace, physicalAt } from '../../visualizer/src/trace.js';
import type { NodeLifecycle, OrchestratorNode, OrchestratorNodeRole, TwinPhysicalState, TwinServer, TwinTopology } from '../../visualizer/src/wire.js';

const on = (extra: Partial<TwinPhysicalState> = {}): TwinPhysicalState => ({ name: 's', power: 'On', identify: false, ...extra });
const node = (lifecycle: NodeLifecycle, attributes: Record<string, unknown> = {}): OrchestratorNode => ({ name: 's', lifecycle, reachable: true, paused: false, attributes });
const role = (name: string, kind: string): OrchestratorNodeRole => ({ id: `d/${name}@s`, deployment: 'd', role: name, node: 's', state: { kind }, runCount: 1 });

describe('layerOf', () => {
  it('shows what the hardware does before what the orchestrator thinks', () => {
    expect(layerOf(on({ power: 'Off' }), node('ready'), [])).toBe('off');
    expect(layerOf(on({ power: 'PoweringOn' }), node('ready'), [])).toBe('post');
    expect(layerOf(on({ stage: 'network-boot' }), node('provisioning'), [])).toBe('discovering');
    expect(layerOf(on({ stage: 'booting-disk' }), node('provisioning'), [])).toBe('installing');
    expect(layerOf(on({ stage: 'running' }), node('ready'), [])).toBe('ready');
    expect(layerOf(on({ stage: 'running' }), node('allocated'), [])).toBe('allocated');
    // Powered on yet halted (no bootable device, a failed install) is something to look at, not "off".
    expect(layerOf(on({ stage: 'halted' }), node('inventoried'), [])).toBe('error');
    expect(layerOf(on(), undefined, [])).toBe('running');
  });

  it('lets a failed node-role and a decommission override the physical picture', () => {
    expect(layerOf(on({ power: 'Off' }), node('ready'), [role('etcd', 'active'), role('k8s-master', 'error')])).toBe('error');
    expect(layerOf(on({ power: 'Off' }), node('decommissioning'), [])).toBe('decommissioning');
  });

  it('shows a machine erasing its disks as wiping, whether or not the orchestrator has it decommissioning', () => {
    expect(layerOf(on({ stage: 'wiping' }), node('decommissioning'), [])).toBe('wiping');
    expect(layerOf(on({ stage: 'post' }), node('decommissioning'), [])).toBe('decommissioning');
    expect(layerOf(on({ stage: 'wiping' }), undefined, [])).toBe('wiping');
  });

  it('falls back to power for a stage it does not know', () => {
    expect(layerOf(on({ stage: 'firmware-update' }), undefined, [])).toBe('running');
  });
});

const server = (name: string, unit: number, heightU = 1): TwinServer => ({
  name,
  unit,
  heightU,
  template: 't',
  manufacturer: 'm',
  model: 'x',
  flavour: 'dmtf',
  modifiers: [],
  protocols: ['redfish'],
  bmcAddress: '127.1.0.1',
  ipmiPort: 623,
  networks: [],
});

const topology: TwinTopology = {
  name: 'dc',
  networks: [],
  sites: [
    {
      name: 'site',
      spines: [{ name: 'sp', role: 'spine', model: undefined, ports: 32, speedGbps: 100, uplinks: [] }],
      rows: [
        {
          name: 'a',
          racks: [
            { name: 'r1', index: 0, uHeight: 10, failureDomain: 'r1', switches: [{ name: 'tor', role: 'top-of-rack', model: undefined, ports: 48, speedGbps: 25, unit: 10, heightU: 1, uplinks: ['sp'] }], servers: [server('r1-u01', 1), server('r1-u02', 2, 2)] },
            { name: 'r2', index: 1, uHeight: 10, failureDomain: 'r2', switches: [], servers: [server('r2-u05', 5)] },
          ],
        },
      ],
    },
  ],
};

describe('layoutTopology', () => {
  const layout = layoutTopology(topology);
  const box = (name: string) => layout.servers.find((s) => s.server.name === name)!;

  it('draws every rack and server, U1 at the bottom and taller servers taller', () => {
    expect(layout.racks.map((r) => r.rack.name)).toEqual(['r1', 'r2']);
    const rack = layout.racks[0]!;
    expect(box('r1-u01').y + box('r1-u01').h).toBeCloseTo(rack.y + rack.h - 0.5, 5);
    // U2–U3 sits right on top of U1, a one-pixel seam between them.
    expect(box('r1-u02').y + box('r1-u02').h + 1).toBeCloseTo(box('r1-u01').y, 5);
    expect(box('r1-u02').h).toBe(2 * UNIT_PX - 1);
    expect(box('r2-u05').x).toBeGreaterThan(box('r1-u01').x + box('r1-u01').w);
  });

  it('links each top-of-rack switch to the spines it uplinks to', () => {
    expect(layout.links).toHaveLength(1);
    const spine = layout.switches.find((s) => s.switch.name === 'sp')!;
    expect(layout.links[0]!.y2).toBe(spine.y + spine.h);
  });
});

describe('parseFilter', () => {
  const subject = (name: string, extra: { roles?: OrchestratorNodeRole[]; attributes?: Record<string, unknown> } = {}) => ({
    server: server(name, 1),
    rack: name.split('-u')[0]!,
    row: 'a',
    layer: 'ready' as const,
    physical: on(),
    node: node('ready', extra.attributes ?? {}),
    roles: extra.roles ?? [],
  });

  it('matches bare words against name, rack and row, and key:value against one field', () => {
    expect(parseFilter('r1-u0')(subject('r1-u01'))).toBe(true);
    expect(parseFilter('rack:r2')(subject('r1-u01'))).toBe(false);
    expect(parseFilter('role:etcd state:ready')(subject('r1-u01', { roles: [role('etcd-member', 'active')] }))).toBe(true);
    expect(parseFilter('tag:zone=b')(subject('r1-u01', { attributes: { zone: 'b' } }))).toBe(true);
    expect(parseFilter('state:error')(subject('r1-u01'))).toBe(false);
  });

  it('names the field it does not know and the ones it does', () => {
    expect(() => parseFilter('colour:red')).toThrow('colour: not a field to filter by — use one of name, rack, row, role, state, flavour, tag');
  });
});

describe('trace replay', () => {
  const lines = [
    '{"t":0,"seq":0,"source":"sim","type":"run.start","data":{"seed":"0x1"}}',
    '{"t":5,"seq":1,"source":"server","type":"server.power","data":{"from":"Off","server":"r1-u01","to":"PoweringOn"}}',
    '{"t":5,"seq":2,"source":"server","type":"server.booted","data":{"boot":{"atMs":5,"device":"Pxe","mode":"Uefi"},"server":"r1-u01"}}',
    '{"t":9,"seq":3,"source":"server","type":"server.power","data":{"from":"PoweringOn","server":"r1-u01","to":"On"}}',
  ].join('\n');

  it('replays server events to the state at any entry', () => {
    const entries = parseTrace(lines);
    expect(entries).toHaveLength(4);
    expect(physicalAt(entries, -1, ['r1-u01']).get('r1-u01')!.power).toBe('Off');
    expect(physicalAt(entries, 2, ['r1-u01']).get('r1-u01')).toMatchObject({ power: 'PoweringOn', bootDevice: 'Pxe' });
    expect(physicalAt(entries, 3, ['r1-u01']).get('r1-u01')!.power).toBe('On');
  });

  it('puts a fault strike on the server its target names', () => {
    const entries = parseTrace(`${lines}\n{"t":12,"seq":4,"source":"faults","type":"fault.strike","data":{"id":"hang","kind":"post-hang","target":"node:r1-u01"}}`);
    expect(physicalAt(entries, 4, ['r1-u01']).get('r1-u01')!.lastFault).toEqual({ id: 'hang', kind: 'post-hang', atMs: 12 });
  });

  it('says which line is not a trace line', () => {
    expect(() => parseTrace(`${lines}\nnot json`)).toThrow('line 5: not JSON — load a JSONL trace written by --trace');
    expect(() => parseTrace('{"t":"x"}')).toThrow(/line 1: expected \{t, seq, source, type, data\}/);
  });
});

describe('stateText', () => {
  it('says why a node-role waits, in words', () => {
    const blocked = (reason: { code: string; parents?: string[] }, waitingOn?: string[]): OrchestratorNodeRole => ({ ...role('ntp', 'blocked'), state: { kind: 'blocked', reason }, ...(waitingOn ? { waitingOn } : {}) });
    expect(stateText(blocked({ code: 'parents_pending' }, ['lab/dns-client@s', 'lab/os@s']))).toBe('blocked (waiting on dns-client@s, os@s)');
    expect(stateText(blocked({ code: 'parent_error', parents: ['lab/os@s'] }))).toBe('blocked (parent in error: os@s)');
    expect(stateText(blocked({ code: 'node_unreachable' }))).toBe('blocked (node unreachable)');
    expect(stateText(blocked({ code: 'paused' }))).toBe('blocked (paused)');
    expect(stateText(role('ntp', 'active'))).toBe('active');
  });
});
