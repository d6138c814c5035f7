import type { BmcState, MediaRecord } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import type { VirtualMediaSlot } from '../flavours/index.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, checkPatch, collection, isoTime, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { createJob, requireLicense } from './bios.js';
import { patchReply } from './systems.js';
import { findTask, renderJob } from './tasks.js';

const INSERT = 'VirtualMedia.InsertMedia';
const EJECT = 'VirtualMedia.EjectMedia';
const PROTOCOLS = ['HTTP', 'HTTPS', 'NFS', 'CIFS'] as const;

function renderManager(state: BmcState): Json {
  const { flavour, server } = state;
  const path = state.managerPath;
  return {
    '@odata.id': path,
    '@odata.type': '#Manager.v1_24_0.Manager',
    Id: flavour.ids.manager,
    Name: 'Manager',
    ManagerType: 'BMC',
    Model: flavour.vendor.managerModel,
    FirmwareVersion: state.firmware?.get('bmc') ?? flavour.vendor.managerFirmware,
    UUID: server.identity.bmcGuid,
    ServiceEntryPointUUID: server.identity.bmcGuid,
    PowerState: 'On',
    Status: STATUS_OK,
    DateTime: isoTime(state.clock.now()),
    DateTimeLocalOffset: '+00:00',
    EthernetInterfaces: link(`${path}/EthernetInterfaces`),
    ...(flavour.virtualMedia.under === 'manager' ? { VirtualMedia: link(`${path}/VirtualMedia`) } : {}),
    Links: {
      ManagerForServers: [link(state.systemPath)],
      ManagerForChassis: [link(state.chassisPath)],
      ...(flavour.tasks.managerJobs ? { Oem: { [flavour.vendor.oem]: { Jobs: link(`${path}/Jobs`) } } } : {}),
    },
    Actions: { '#Manager.Reset': { target: `${path}/Actions/Manager.Reset`, 'ResetType@Redfish.AllowableValues': ['GracefulRestart', 'ForceRestart'] } },
  };
}

function renderBmcNic(state: BmcState): Json {
  const net = state.network;
  const id = state.flavour.ids.bmcNic;
  const mask = net === undefined ? undefined : prefixToMask(net.prefixLength);
  return {
    '@odata.id': `${state.managerPath}/EthernetInterfaces/${id}`,
    '@odata.type': '#EthernetInterface.v1_12_4.EthernetInterface',
    Id: id,
    Name: 'Manager Ethernet Interface',
    InterfaceEnabled: true,
    LinkStatus: 'LinkUp',
    Status: STATUS_OK,
    ...(net
      ? {
          MACAddress: net.mac.toUpperCase(),
          PermanentMACAddress: net.mac.toUpperCase(),
          IPv4Addresses: [{ Address: net.address, SubnetMask: mask, AddressOrigin: 'Static', ...(net.gateway === undefined ? {} : { Gateway: net.gateway }) }],
        }
      : {}),
  };
}

function prefixToMask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function managerReset(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const body = jsonBody(ctx);
  const type = body.ResetType ?? 'GracefulRestart';
  if (type !== 'GracefulRestart' && type !== 'ForceRestart') throw badRequest([state.book.make('ActionParameterValueNotInList', [String(type), 'ResetType', 'Manager.Reset'])]);
  // A BMC reboot logs everybody out and drops event streams.
  state.sessions.clear();
  for (const client of [...(state.sseClients ?? [])]) client.close();
  return emptyReply(204);
}

// ---------------------------------------------------------------------------
// Virtual media

function mediaBase(state: BmcState): string {
  return state.flavour.virtualMedia.under === 'system' ? `${state.systemPath}/VirtualMedia` : `${state.managerPath}/VirtualMedia`;
}

function findSlot(ctx: RouteContext): VirtualMediaSlot {
  const slot = ctx.state.flavour.virtualMedia.slots.find((s) => s.id === ctx.params[0]);
  if (!slot) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['VirtualMedia', ctx.params[0] ?? ''])]);
  return slot;
}

/** What the host sees: the image in the first CD/DVD slot that holds one (a USB stick is not a CD it can boot as one). */
function syncVirtualCd(state: BmcState): void {
  const cd = state.flavour.virtualMedia.slots.find((s) => s.mediaTypes.some((t) => t === 'CD' || t === 'DVD') && state.media?.get(s.id)?.inserted);
  state.server.setVirtualCd(cd ? state.media!.get(cd.id)!.image : undefined);
}

function renderMedia(state: BmcState, slot: VirtualMediaSlot): Json {
  const path = `${mediaBase(state)}/${slot.id}`;
  const media = state.media?.get(slot.id);
  const image = media?.image;
  return {
    '@odata.id': path,
    '@odata.type': '#VirtualMedia.v1_6_5.VirtualMedia',
    Id: slot.id,
    Name: slot.name,
    MediaTypes: slot.mediaTypes,
    Image: image ?? null,
    ImageName: image === undefined ? null : (image.split('/').at(-1) ?? image),
    Inserted: media?.inserted ?? false,
    WriteProtected: media?.writeProtected ?? true,
    ConnectedVia: media ? 'URI' : 'NotConnected',
    ...(media?.transferProtocol === undefined ? {} : { TransferProtocolType: media.transferProtocol }),
    ...(state.flavour.virtualMedia.actions
      ? { Actions: { [`#${INSERT}`]: { target: `${path}/Actions/${INSERT}` }, [`#${EJECT}`]: { target: `${path}/Actions/${EJECT}` } } }
      : {}),
  };
}

function checkImage(state: BmcState, image: unknown, where: (value: string) => RedfishMessage): string {
  if (typeof image !== 'string') throw badRequest([where(JSON.stringify(image))]);
  let url: URL;
  try {
    url = new URL(image);
  } catch {
    throw badRequest([where(image)]);
  }
  if (!['http:', 'https:', 'nfs:', 'smb:', 'cifs:'].includes(url.protocol)) throw badRequest([where(image)]);
  // Supermicro X12 rejects `?` or `=` in the image URL (field note 29).
  if (state.flavour.virtualMedia.imageUrlRefusesQuery && /[?=]/.test(image)) throw badRequest([where(image)]);
  return image;
}

function insertMedia(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, flavour } = state;
  const slot = findSlot(ctx);
  requireLicense(state, flavour.virtualMedia.license);
  const body = jsonBody(ctx);
  const allowed = ['Image', 'Inserted', 'WriteProtected', 'TransferProtocolType', 'TransferMethod', 'UserName', 'Password'];
  const problems = Object.keys(body)
    .filter((k) => !k.includes('@') && !allowed.includes(k))
    .map((k) => book.make('ActionParameterUnknown', [INSERT, k]));
  // Supermicro X11/X12 treat Inserted/WriteProtected as read-only: InsertMedia must omit them (field note 28).
  if (flavour.virtualMedia.insertRefusesInsertedFlags) {
    for (const k of ['Inserted', 'WriteProtected']) if (k in body) problems.push(book.make('ActionParameterNotSupported', [k, INSERT]));
  }
  if (body.Image === undefined) problems.push(book.make('ActionParameterMissing', [INSERT, 'Image']));
  const protocol = body.TransferProtocolType;
  if (protocol !== undefined && !(typeof protocol === 'string' && (PROTOCOLS as readonly string[]).includes(protocol))) {
    problems.push(book.make('ActionParameterValueNotInList', [String(protocol), 'TransferProtocolType', INSERT]));
  }
  if (problems.length > 0) throw badRequest(problems);
  const image = checkImage(state, body.Image, (v) => book.make('ActionParameterValueFormatError', [v, 'Image', INSERT]));
  if (state.media?.get(slot.id)) throw new RedfishProblem(409, [book.make('ResourceInUse')]);
  const record: MediaRecord = {
    image,
    inserted: body.Inserted !== false,
    writeProtected: body.WriteProtected !== false,
    transferProtocol: typeof protocol === 'string' ? protocol : undefined,
  };
  (state.media ??= new Map()).set(slot.id, record);
  syncVirtualCd(state);
  return emptyReply(204);
}

function ejectMedia(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const slot = findSlot(ctx);
  // HPE iLO: EjectMedia without a JSON body `{}` is "Unsupported media type" (field note 16).
  if (state.flavour.virtualMedia.ejectNeedsJsonBody && (ctx.req.body.trim() === '' || !(ctx.req.header('content-type') ?? '').includes('application/json'))) {
    throw new RedfishProblem(415, [state.book.make('UnrecognizedRequestBody')]);
  }
  const body = jsonBody(ctx);
  const unknown = Object.keys(body).filter((k) => !k.includes('@'));
  if (unknown.length > 0) throw badRequest(unknown.map((k) => state.book.make('ActionParameterUnknown', [EJECT, k])));
  state.media?.delete(slot.id);
  if (state.media?.size === 0) state.media = undefined;
  syncVirtualCd(state);
  return emptyReply(204);
}

/** Lenovo XCC without actions: PATCH `Image` together with `Inserted` (field note 21). */
function patchMedia(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book } = state;
  const slot = findSlot(ctx);
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems = checkPatch(ctx, body, renderMedia(state, slot), { Image: true, Inserted: true, WriteProtected: true, TransferProtocolType: true });
  if (problems.length > 0) throw badRequest(problems);
  if (body.Image === null || body.Inserted === false) {
    state.media?.delete(slot.id);
    syncVirtualCd(state);
    return patchReply(state, () => renderMedia(state, slot));
  }
  if (body.Image !== undefined && body.Inserted !== true) throw badRequest([book.make('PropertyMissing', ['Inserted'], ['#/Inserted'])]);
  const image = checkImage(state, body.Image, (v) => book.make('PropertyValueFormatError', [v, 'Image'], ['#/Image']));
  if (state.media?.get(slot.id)) throw new RedfishProblem(409, [book.make('ResourceInUse')]);
  (state.media ??= new Map()).set(slot.id, { image, inserted: true, writeProtected: body.WriteProtected !== false, transferProtocol: undefined });
  syncVirtualCd(state);
  return patchReply(state, () => renderMedia(state, slot));
}

export function virtualMediaRoutes(base: string, actions: boolean): RouteDef[] {
  const routes: RouteDef[] = [
    {
      pattern: base,
      handlers: { GET: (ctx) => jsonReply(200, collection(base, 'VirtualMediaCollection', 'Virtual Media Services', ctx.state.flavour.virtualMedia.slots.map((s) => `${base}/${s.id}`))) },
    },
    {
      pattern: `${base}/*`,
      handlers: actions ? { GET: (ctx) => jsonReply(200, renderMedia(ctx.state, findSlot(ctx))) } : { GET: (ctx) => jsonReply(200, renderMedia(ctx.state, findSlot(ctx))), PATCH: patchMedia },
    },
  ];
  if (actions) routes.push({ pattern: `${base}/*/Actions/${INSERT}`, handlers: { POST: insertMedia } }, { pattern: `${base}/*/Actions/${EJECT}`, handlers: { POST: ejectMedia } });
  return routes;
}

export function managerRoutes(managerPath: string, jobs: boolean): RouteDef[] {
  const routes: RouteDef[] = [
    { pattern: '/redfish/v1/Managers', handlers: { GET: (ctx) => jsonReply(200, collection('/redfish/v1/Managers', 'ManagerCollection', 'Manager Collection', [ctx.state.managerPath])) } },
    { pattern: managerPath, handlers: { GET: (ctx) => jsonReply(200, renderManager(ctx.state)) } },
    { pattern: `${managerPath}/Actions/Manager.Reset`, handlers: { POST: managerReset }, privileges: { POST: 'ConfigureManager' } },
    {
      pattern: `${managerPath}/EthernetInterfaces`,
      handlers: {
        GET: (ctx) =>
          jsonReply(200, collection(`${managerPath}/EthernetInterfaces`, 'EthernetInterfaceCollection', 'Manager Ethernet Interfaces', [`${managerPath}/EthernetInterfaces/${ctx.state.flavour.ids.bmcNic}`])),
      },
    },
    {
      pattern: `${managerPath}/EthernetInterfaces/*`,
      handlers: {
        GET: (ctx) => {
          if (ctx.params[0] !== ctx.state.flavour.ids.bmcNic) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['EthernetInterface', ctx.params[0] ?? ''])]);
          return jsonReply(200, renderBmcNic(ctx.state));
        },
      },
    },
  ];
  if (jobs) {
    routes.push(
      {
        pattern: `${managerPath}/Jobs`,
        handlers: {
          GET: (ctx) =>
            jsonReply(
              200,
              collection(
                `${managerPath}/Jobs`,
                'JobCollection',
                'Job Queue',
                ctx.state.tasks.list(ctx.state.clock.now()).map((t) => `${managerPath}/Jobs/${t.id}`),
              ),
            ),
          POST: createJob,
        },
      },
      // iDRAC: the job resource answers 200 with its JobState at every stage; drivers poll it (field note 12).
      { pattern: `${managerPath}/Jobs/*`, handlers: { GET: (ctx) => jsonReply(200, renderJob(ctx.state, findTask(ctx))) } },
    );
  }
  return routes;
}
