import { TwinStateError } from '../../errors.js';
import type { BootDevice } from '../../server/index.js';
import type { BmcState } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import type { BootEnabled, BootModeName, BootTarget, ResetType } from '../flavours/index.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, checkPatch, collection, isoTime, isRecord, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';

const RESET_ACTION = 'ComputerSystem.Reset';

export function bootView(state: BmcState): { target: BootTarget; enabled: BootEnabled; mode: BootModeName } {
  const o = state.server.bootOverride;
  const mode: BootModeName = o.mode === 'Uefi' ? 'UEFI' : 'Legacy';
  if (o.device === 'None') return { target: 'None', enabled: 'Disabled', mode };
  const target: BootTarget = o.device === 'Cd' && state.bootTargetAlias ? state.bootTargetAlias : o.device;
  return { target, enabled: o.persistence === 'Once' ? 'Once' : 'Continuous', mode };
}

function bootProgress(state: BmcState): string {
  switch (state.server.power) {
    case 'Off':
      return 'None';
    case 'PoweringOn':
      return 'PrimaryProcessorInitializationStarted';
    case 'On':
      return 'SystemHardwareInitializationComplete';
    case 'PoweringOff':
      return 'OSRunning';
  }
}

export function renderSystem(state: BmcState): Json {
  const { flavour: f, server, hardware: hw } = state;
  const id = server.identity;
  const path = state.systemPath;
  const boot = bootView(state);
  const cpu = hw.cpu;
  const lastBoot = server.lastBoot;
  return {
    '@odata.id': path,
    '@odata.type': '#ComputerSystem.v1_27_0.ComputerSystem',
    Id: f.ids.system,
    Name: 'System',
    SystemType: 'Physical',
    Manufacturer: id.manufacturer,
    Model: id.productName,
    // iDRAC reports the service tag in SKU and the board serial in SerialNumber (field note 9).
    SerialNumber: f.vendor.serviceTagInSku ? id.boardSerialNumber : id.serialNumber,
    ...(f.vendor.serviceTagInSku ? { SKU: id.serialNumber } : {}),
    PartNumber: id.partNumber,
    UUID: id.systemGuid,
    AssetTag: state.assetTag,
    PowerState: server.power,
    LocationIndicatorActive: server.identify.on,
    BiosVersion: state.firmware?.get('bios') ?? f.vendor.biosVersion,
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    BootProgress: { LastState: bootProgress(state) },
    ...(lastBoot ? { LastResetTime: isoTime(lastBoot.atMs) } : {}),
    ProcessorSummary: {
      Count: cpu.sockets,
      CoreCount: cpu.sockets * cpu.coresPerSocket,
      LogicalProcessorCount: cpu.sockets * cpu.coresPerSocket * cpu.threadsPerCore,
      Model: cpu.model,
      Status: STATUS_OK,
    },
    MemorySummary: { TotalSystemMemoryGiB: hw.memory.dimms * hw.memory.dimmGiB, Status: STATUS_OK },
    Boot: {
      BootSourceOverrideEnabled: boot.enabled,
      'BootSourceOverrideEnabled@Redfish.AllowableValues': f.boot.enabled,
      BootSourceOverrideTarget: boot.target,
      'BootSourceOverrideTarget@Redfish.AllowableValues': f.boot.targets,
      BootSourceOverrideMode: boot.mode,
      'BootSourceOverrideMode@Redfish.AllowableValues': f.boot.modes,
    },
    Bios: link(`${path}/Bios`),
    Processors: link(`${path}/Processors`),
    Memory: link(`${path}/Memory`),
    EthernetInterfaces: link(`${path}/EthernetInterfaces`),
    Storage: link(`${path}/Storage`),
    ...(f.virtualMedia.under === 'system' ? { VirtualMedia: link(`${path}/VirtualMedia`) } : {}),
    Links: { Chassis: [link(state.chassisPath)], ManagedBy: [link(state.managerPath)] },
    Actions: {
      [`#${RESET_ACTION}`]: { target: `${path}/Actions/${RESET_ACTION}`, 'ResetType@Redfish.AllowableValues': f.power.resetTypes },
    },
  };
}

/** The reply to a successful PATCH: the resource (most BMCs) or 204 (bmcweb). */
export function patchReply(state: BmcState, render: () => Json): RedfishReply {
  return state.flavour.patchReply === 'no-content' ? emptyReply(204) : jsonReply(200, render());
}

function patchSystem(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, flavour: f, server } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const current = renderSystem(state);
  const problems: RedfishMessage[] = checkPatch(ctx, body, current, {
    AssetTag: true,
    LocationIndicatorActive: true,
    Boot: { BootSourceOverrideTarget: true, BootSourceOverrideEnabled: true, BootSourceOverrideMode: true },
  });
  const boot = isRecord(body.Boot) ? body.Boot : {};
  const inList = (name: string, value: unknown, list: readonly string[]): void => {
    if (value === undefined) return;
    if (typeof value !== 'string') problems.push(book.make('PropertyValueTypeError', [JSON.stringify(value), `Boot.${name}`], [`#/Boot/${name}`]));
    else if (!list.includes(value)) problems.push(book.make('PropertyValueNotInList', [value, `Boot.${name}`], [`#/Boot/${name}`]));
  };
  inList('BootSourceOverrideTarget', boot.BootSourceOverrideTarget, f.boot.targets);
  inList('BootSourceOverrideEnabled', boot.BootSourceOverrideEnabled, f.boot.enabled);
  inList('BootSourceOverrideMode', boot.BootSourceOverrideMode, f.boot.modes);
  if (body.AssetTag !== undefined) {
    if (typeof body.AssetTag !== 'string') problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.AssetTag), 'AssetTag'], ['#/AssetTag']));
    else if (body.AssetTag.length > 32) problems.push(book.make('StringValueTooLong', [body.AssetTag, 32], ['#/AssetTag']));
  }
  if (body.LocationIndicatorActive !== undefined && typeof body.LocationIndicatorActive !== 'boolean') {
    problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.LocationIndicatorActive), 'LocationIndicatorActive'], ['#/LocationIndicatorActive']));
  }
  if (problems.length > 0) throw badRequest(problems);

  if (typeof body.AssetTag === 'string') state.assetTag = body.AssetTag;
  if (typeof body.LocationIndicatorActive === 'boolean') server.setIdentify(body.LocationIndicatorActive ? 'indefinite' : 0);
  if (Object.keys(boot).length > 0) applyBoot(state, boot);
  return patchReply(state, () => renderSystem(state));
}

function applyBoot(state: BmcState, boot: Json): void {
  const now = bootView(state);
  const quirk = state.flavour.boot.targetChangeResetsEnabledAndMode;
  const target = (boot.BootSourceOverrideTarget as BootTarget | undefined) ?? now.target;
  const targetGiven = boot.BootSourceOverrideTarget !== undefined;
  let enabled = boot.BootSourceOverrideEnabled as BootEnabled | undefined;
  // Supermicro: a target change without Enabled reverts to Once (field note 30); elsewhere a
  // new target while the override is disabled arms it once, as iDRAC and bmcweb do.
  enabled ??= targetGiven && (quirk || now.enabled === 'Disabled') && target !== 'None' ? 'Once' : now.enabled;
  // Supermicro: setting the boot device resets the boot mode (field notes 30, 44).
  const mode = (boot.BootSourceOverrideMode as BootModeName | undefined) ?? (quirk && targetGiven ? 'UEFI' : now.mode);
  const off = enabled === 'Disabled' || target === 'None';
  const device: BootDevice = off ? 'None' : target === 'UsbCd' ? 'Cd' : target;
  state.bootTargetAlias = !off && target === 'UsbCd' ? 'UsbCd' : undefined;
  state.server.setBootOverride({ device, mode: mode === 'UEFI' ? 'Uefi' : 'Legacy', persistence: enabled === 'Continuous' ? 'Persistent' : 'Once' });
}

function reset(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, flavour: f, server, clock } = state;
  const body = jsonBody(ctx);
  const unknown = Object.keys(body).filter((k) => k !== 'ResetType' && !k.includes('@'));
  if (unknown.length > 0) throw badRequest(unknown.map((k) => book.make('ActionParameterUnknown', [RESET_ACTION, k])));
  const type = body.ResetType;
  if (type === undefined) throw badRequest([book.make('ActionParameterMissing', [RESET_ACTION, 'ResetType'])]);
  if (typeof type !== 'string') throw badRequest([book.make('ActionParameterValueTypeError', [JSON.stringify(type), 'ResetType', RESET_ACTION])]);
  if (!(f.power.resetTypes as readonly string[]).includes(type)) throw badRequest([book.make('ActionParameterValueNotInList', [type, 'ResetType', RESET_ACTION])]);
  const nowMs = clock.now();
  // HPE iLO: power changed again soon after → 400 "invalid for current system state" (field note 17).
  if (f.power.busyAfterResetMs > 0 && state.lastResetMs !== undefined && nowMs - state.lastResetMs < f.power.busyAfterResetMs) {
    throw badRequest([book.make('ResourceInUse')]);
  }
  const conflict = (): never => {
    throw new RedfishProblem(409, [book.make('ActionParameterValueConflict', ['ResetType', type])]);
  };
  try {
    switch (type as ResetType) {
      case 'On':
      case 'ForceOn':
        server.powerAction('on');
        break;
      case 'ForceOff':
        state.restartAfterOff = false;
        server.powerAction('off');
        break;
      case 'GracefulShutdown':
        state.restartAfterOff = false;
        server.powerAction('soft-off');
        break;
      case 'GracefulRestart':
        if (!server.isPowered()) conflict();
        state.restartAfterOff = true;
        server.powerAction('soft-off');
        break;
      case 'ForceRestart':
        if (!server.isPowered()) conflict();
        server.powerAction('hard-reset');
        break;
      case 'PowerCycle':
        if (!server.isPowered()) conflict();
        server.powerAction('cycle');
        break;
      case 'Nmi':
        // A diagnostic interrupt: the OS decides what to do; the twin's hardware does nothing.
        if (!server.isPowered()) conflict();
        break;
      case 'PushPowerButton':
        server.powerAction(server.isPowered() ? 'soft-off' : 'on');
        break;
    }
  } catch (error) {
    if (error instanceof TwinStateError) conflict();
    throw error;
  }
  state.lastResetMs = nowMs;
  return f.power.resetStatus === 204 ? emptyReply(204) : jsonReply(200, { '@Message.ExtendedInfo': [book.make('Success')] });
}

function processor(state: BmcState, index: number): Json {
  const { cpu } = state.hardware;
  const id = state.flavour.ids.processor(index);
  return {
    '@odata.id': `${state.systemPath}/Processors/${id}`,
    '@odata.type': '#Processor.v1_22_0.Processor',
    Id: id,
    Name: `Processor ${index + 1}`,
    Socket: `CPU ${index + 1}`,
    ProcessorType: 'CPU',
    ProcessorArchitecture: 'x86',
    InstructionSet: 'x86-64',
    Manufacturer: /amd|epyc/i.test(cpu.model) ? 'Advanced Micro Devices, Inc.' : 'Intel(R) Corporation',
    Model: cpu.model,
    ...(cpu.speedMHz === undefined ? {} : { MaxSpeedMHz: cpu.speedMHz }),
    TotalCores: cpu.coresPerSocket,
    TotalThreads: cpu.coresPerSocket * cpu.threadsPerCore,
    Status: STATUS_OK,
  };
}

function dimm(state: BmcState, index: number): Json {
  const { memory } = state.hardware;
  const id = state.flavour.ids.dimm(index);
  return {
    '@odata.id': `${state.systemPath}/Memory/${id}`,
    '@odata.type': '#Memory.v1_23_0.Memory',
    Id: id,
    Name: `DIMM ${index + 1}`,
    MemoryType: 'DRAM',
    MemoryDeviceType: memory.type,
    CapacityMiB: memory.dimmGiB * 1024,
    ...(memory.speedMTs === undefined ? {} : { OperatingSpeedMhz: memory.speedMTs }),
    DeviceLocator: id,
    Status: STATUS_OK,
  };
}

function nic(state: BmcState, index: number): Json {
  const n = state.hardware.nics[index];
  if (!n) throw new Error(`Invariant violated: no NIC ${index}`);
  const id = state.flavour.ids.nic(index, n.name);
  return {
    '@odata.id': `${state.systemPath}/EthernetInterfaces/${id}`,
    '@odata.type': '#EthernetInterface.v1_12_4.EthernetInterface',
    Id: id,
    Name: n.name,
    MACAddress: n.mac.toUpperCase(),
    PermanentMACAddress: n.mac.toUpperCase(),
    SpeedMbps: n.speedGbps * 1000,
    InterfaceEnabled: true,
    LinkStatus: state.server.isPowered() ? 'LinkUp' : 'LinkDown',
    Status: STATUS_OK,
  };
}

/** A collection whose members are numbered `0…count-1` and named by `idOf`. */
function indexed(
  segment: string,
  type: string,
  name: string,
  count: (s: BmcState) => number,
  idOf: (s: BmcState, i: number) => string,
  render: (s: BmcState, i: number) => Json,
): RouteDef[] {
  const find = (ctx: RouteContext): number => {
    const want = ctx.params[0];
    for (let i = 0; i < count(ctx.state); i++) if (idOf(ctx.state, i) === want) return i;
    throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', [type, want ?? ''])]);
  };
  return [
    {
      pattern: `${segment}`,
      handlers: {
        GET: (ctx) => {
          const ids = Array.from({ length: count(ctx.state) }, (_, i) => `${segment}/${idOf(ctx.state, i)}`);
          return jsonReply(200, collection(segment, `${type}Collection`, name, ids));
        },
      },
    },
    { pattern: `${segment}/*`, handlers: { GET: (ctx) => jsonReply(200, render(ctx.state, find(ctx))) } },
  ];
}

export function systemRoutes(systemPath: string): RouteDef[] {
  return [
    { pattern: '/redfish/v1/Systems', handlers: { GET: (ctx) => jsonReply(200, collection('/redfish/v1/Systems', 'ComputerSystemCollection', 'Computer System Collection', [ctx.state.systemPath])) } },
    { pattern: systemPath, handlers: { GET: (ctx) => jsonReply(200, renderSystem(ctx.state)), PATCH: patchSystem } },
    { pattern: `${systemPath}/Actions/${RESET_ACTION}`, handlers: { POST: reset } },
    ...indexed(`${systemPath}/Processors`, 'Processor', 'Processors Collection', (s) => s.hardware.cpu.sockets, (s, i) => s.flavour.ids.processor(i), processor),
    ...indexed(`${systemPath}/Memory`, 'Memory', 'Memory Collection', (s) => s.hardware.memory.dimms, (s, i) => s.flavour.ids.dimm(i), dimm),
    ...indexed(
      `${systemPath}/EthernetInterfaces`,
      'EthernetInterface',
      'Ethernet Interface Collection',
      (s) => s.hardware.nics.length,
      (s, i) => s.flavour.ids.nic(i, s.hardware.nics[i]?.name ?? ''),
      nic,
    ),
  ];
}
