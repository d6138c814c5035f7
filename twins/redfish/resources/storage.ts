import type { BmcState, VolumeRecord } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import type { ApplyTime } from '../flavours/index.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, collection, isRecord, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { RAID_TYPES, raidCapacityBytes, type RaidType } from '../state/raid.js';

function storagePath(state: BmcState): string {
  return `${state.systemPath}/Storage/${state.flavour.ids.storage}`;
}

function drivePath(state: BmcState, index: number): string {
  return `${storagePath(state)}/Drives/${state.flavour.ids.drive(index)}`;
}

function driveBytes(state: BmcState, index: number): number {
  return (state.hardware.disks[index]?.sizeGB ?? 0) * 1_000_000_000;
}

/** Volumes as the BMC shows them: ones still waiting for a reset to be created are not there yet. */
function visibleVolumes(state: BmcState): VolumeRecord[] {
  return (state.volumes ?? []).filter((v) => v.state !== 'creating');
}

function renderStorage(state: BmcState): Json {
  const path = storagePath(state);
  const { flavour, hardware } = state;
  const anyNvme = hardware.disks.some((d) => d.type === 'nvme');
  return {
    '@odata.id': path,
    '@odata.type': '#Storage.v1_21_0.Storage',
    Id: flavour.ids.storage,
    Name: flavour.storage.controllerName,
    Status: { ...STATUS_OK, HealthRollup: 'OK' },
    StorageControllers: [
      {
        '@odata.id': `${path}#/StorageControllers/0`,
        MemberId: '0',
        Name: flavour.storage.controllerName,
        Model: flavour.storage.controllerModel,
        Status: STATUS_OK,
        SupportedRAIDTypes: flavour.storage.volumes === 'standard' ? RAID_TYPES : [],
        SupportedDeviceProtocols: [anyNvme ? 'NVMe' : 'SATA'],
      },
    ],
    Drives: hardware.disks.map((_, i) => link(drivePath(state, i))),
    'Drives@odata.count': hardware.disks.length,
    // HPE iLO 5: SmartArray RAID is not exposed through standard Volumes.
    ...(flavour.storage.volumes === 'standard' ? { Volumes: link(`${path}/Volumes`) } : {}),
    Links: { Enclosures: [link(state.chassisPath)] },
  };
}

function renderDrive(state: BmcState, index: number): Json {
  const disk = state.hardware.disks[index];
  if (!disk) throw new Error(`Invariant violated: no disk ${index}`);
  const volumes = visibleVolumes(state).filter((v) => v.drives.includes(index));
  return {
    '@odata.id': drivePath(state, index),
    '@odata.type': '#Drive.v1_22_0.Drive',
    Id: state.flavour.ids.drive(index),
    Name: `Drive ${index}`,
    CapacityBytes: driveBytes(state, index),
    MediaType: disk.type === 'hdd' ? 'HDD' : 'SSD',
    Protocol: disk.type === 'nvme' ? 'NVMe' : 'SATA',
    Model: disk.model,
    SerialNumber: disk.serial,
    Status: STATUS_OK,
    Links: { Volumes: volumes.map((v) => link(`${storagePath(state)}/Volumes/${v.id}`)) },
  };
}

function renderVolume(state: BmcState, volume: VolumeRecord): Json {
  return {
    '@odata.id': `${storagePath(state)}/Volumes/${volume.id}`,
    '@odata.type': '#Volume.v1_10_2.Volume',
    Id: volume.id,
    Name: volume.name,
    RAIDType: volume.raid,
    CapacityBytes: volume.capacityBytes,
    BlockSizeBytes: 512,
    Encrypted: false,
    Status: { State: volume.state === 'deleting' ? 'Disabled' : 'Enabled', Health: 'OK' },
    Links: { Drives: volume.drives.map((i) => link(drivePath(state, i))) },
  };
}

function applyTimeOf(ctx: RouteContext, body: Json, problems: RedfishMessage[]): ApplyTime {
  const { storage } = ctx.state.flavour;
  const value = body['@Redfish.OperationApplyTime'];
  if (value === undefined) return storage.defaultApplyTime;
  if (typeof value !== 'string' || !(storage.applyTimes as readonly string[]).includes(value)) {
    problems.push(ctx.state.book.make('PropertyValueNotInList', [String(value), '@Redfish.OperationApplyTime'], ['#/@Redfish.OperationApplyTime']));
    return storage.defaultApplyTime;
  }
  return value as ApplyTime;
}

function createVolume(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, hardware } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems: RedfishMessage[] = [];
  for (const key of Object.keys(body)) {
    if (!key.includes('@') && !['RAIDType', 'Links', 'Name', 'CapacityBytes'].includes(key)) problems.push(book.make('PropertyUnknown', [key], [`#/${key}`]));
  }
  const applyTime = applyTimeOf(ctx, body, problems);
  const raid = body.RAIDType;
  if (raid === undefined) problems.push(book.make('CreateFailedMissingReqProperties', ['RAIDType']));
  else if (typeof raid !== 'string' || !(RAID_TYPES as readonly string[]).includes(raid)) problems.push(book.make('PropertyValueNotInList', [String(raid), 'RAIDType'], ['#/RAIDType']));
  const links = isRecord(body.Links) ? body.Links.Drives : undefined;
  const drives: number[] = [];
  if (!Array.isArray(links) || links.length === 0) problems.push(book.make('CreateFailedMissingReqProperties', ['Links/Drives']));
  else {
    const inUse = new Set(visibleVolumes(state).flatMap((v) => v.drives));
    for (const item of (state.volumes ?? []).filter((v) => v.state === 'creating')) for (const d of item.drives) inUse.add(d);
    for (const entry of links) {
      const id = isRecord(entry) ? entry['@odata.id'] : undefined;
      const index = hardware.disks.findIndex((_, i) => drivePath(state, i) === id);
      if (index < 0) problems.push(book.make('PropertyValueNotInList', [String(id), 'Links/Drives'], ['#/Links/Drives']));
      else if (drives.includes(index)) problems.push(book.make('PropertyValueConflict', ['Links/Drives', 'Links/Drives'], ['#/Links/Drives']));
      else if (inUse.has(index)) problems.push(book.make('ResourceInUse', [], ['#/Links/Drives']));
      else drives.push(index);
    }
  }
  if (body.Name !== undefined && typeof body.Name !== 'string') problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.Name), 'Name'], ['#/Name']));
  if (problems.length > 0) throw badRequest(problems);
  const level = raid as RaidType;
  const capacity = raidCapacityBytes(level, drives.map((i) => driveBytes(state, i)));
  if (typeof capacity === 'string') throw badRequest([book.make('PropertyValueConflict', ['RAIDType', 'Links/Drives'], ['#/RAIDType', '#/Links/Drives'])]);
  let capacityBytes = capacity;
  if (body.CapacityBytes !== undefined) {
    const asked = body.CapacityBytes;
    if (typeof asked !== 'number' || !Number.isInteger(asked)) throw badRequest([book.make('PropertyValueTypeError', [JSON.stringify(asked), 'CapacityBytes'], ['#/CapacityBytes'])]);
    if (asked <= 0 || asked > capacity) throw badRequest([book.make('PropertyValueOutOfRange', [String(asked), 'CapacityBytes'], ['#/CapacityBytes'])]);
    capacityBytes = asked;
  }
  const id = String(state.nextVolume++);
  const volume: VolumeRecord = { id, name: typeof body.Name === 'string' ? body.Name : `Volume ${id}`, raid: level, drives, capacityBytes, state: applyTime === 'Immediate' ? 'ready' : 'creating' };
  (state.volumes ??= []).push(volume);
  const location = `${storagePath(state)}/Volumes/${id}`;
  if (volume.state === 'ready') return jsonReply(201, renderVolume(state, volume), { Location: location });
  const task = state.tasks.create({ name: `Create volume ${id}`, startMs: state.clock.now(), trigger: { kind: 'reset' }, targetUri: `${storagePath(state)}/Volumes`, httpOperation: 'POST', state: 'Pending', onComplete: undefined });
  task.result = { status: 201, location };
  return emptyReply(202, { Location: state.taskMonitorPath(task.id) });
}

function findVolume(ctx: RouteContext): VolumeRecord {
  const volume = visibleVolumes(ctx.state).find((v) => v.id === ctx.params[0]);
  if (!volume) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Volume', ctx.params[0] ?? ''])]);
  return volume;
}

function deleteVolume(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const volume = findVolume(ctx);
  const body = jsonBody(ctx);
  const problems: RedfishMessage[] = [];
  // iDRAC ≥ 6.00.02 rejects @Redfish.OperationApplyTime on volume DELETE (field note 6).
  if (state.flavour.storage.deleteRejectsApplyTime && body['@Redfish.OperationApplyTime'] !== undefined) {
    problems.push(state.book.make('PropertyUnknown', ['@Redfish.OperationApplyTime'], ['#/@Redfish.OperationApplyTime']));
  }
  const applyTime = applyTimeOf(ctx, body, problems);
  if (problems.length > 0) throw badRequest(problems);
  if (volume.state === 'deleting') return emptyReply(204);
  if (applyTime === 'Immediate') {
    state.volumes = state.volumes?.filter((v) => v !== volume);
    return emptyReply(204);
  }
  volume.state = 'deleting';
  const task = state.tasks.create({ name: `Delete volume ${volume.id}`, startMs: state.clock.now(), trigger: { kind: 'reset' }, targetUri: ctx.path, httpOperation: 'DELETE', state: 'Pending', onComplete: undefined });
  task.result = { status: 204 };
  return emptyReply(202, { Location: state.taskMonitorPath(task.id) });
}

export function storageRoutes(systemPath: string, storageId: string, volumes: boolean): RouteDef[] {
  const base = `${systemPath}/Storage`;
  const path = `${base}/${storageId}`;
  const findDrive = (ctx: RouteContext): number => {
    const index = ctx.state.hardware.disks.findIndex((_, i) => ctx.state.flavour.ids.drive(i) === ctx.params[0]);
    if (index < 0) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Drive', ctx.params[0] ?? ''])]);
    return index;
  };
  const routes: RouteDef[] = [
    { pattern: base, handlers: { GET: () => jsonReply(200, collection(base, 'StorageCollection', 'Storage Collection', [path])) } },
    { pattern: path, handlers: { GET: (ctx) => jsonReply(200, renderStorage(ctx.state)) } },
    { pattern: `${path}/Drives/*`, handlers: { GET: (ctx) => jsonReply(200, renderDrive(ctx.state, findDrive(ctx))) } },
  ];
  if (volumes) {
    routes.push(
      {
        pattern: `${path}/Volumes`,
        handlers: {
          GET: (ctx) =>
            jsonReply(200, {
              ...collection(`${path}/Volumes`, 'VolumeCollection', 'Volume Collection', visibleVolumes(ctx.state).map((v) => `${path}/Volumes/${v.id}`)),
              '@Redfish.OperationApplyTimeSupport': { '@odata.type': '#Settings.v1_4_0.OperationApplyTimeSupport', SupportedValues: ctx.state.flavour.storage.applyTimes },
            }),
          POST: createVolume,
        },
      },
      { pattern: `${path}/Volumes/*`, handlers: { GET: (ctx) => jsonReply(200, renderVolume(ctx.state, findVolume(ctx))), DELETE: deleteVolume } },
    );
  }
  return routes;
}
