import { isLoopbackUrl, eventBody, type BmcEvent, type BmcState, type Subscription } from '../bmc-state.js';
import { emptyReply, jsonReply, ODATA_HEADERS, type RedfishReply } from '../exchange.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, collection, isRecord, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { attributeRegistryText, requireLicense } from './bios.js';

// ---------------------------------------------------------------------------
// UpdateService

const UPDATE = '/redfish/v1/UpdateService';
const INVENTORY = `${UPDATE}/FirmwareInventory`;

function firmwareItems(state: BmcState): { id: string; key: 'bmc' | 'bios'; name: string; version: string }[] {
  const { ids, vendor } = state.flavour;
  return [
    { id: ids.firmwareBmc, key: 'bmc', name: `${vendor.managerModel} firmware`, version: state.firmware?.get('bmc') ?? vendor.managerFirmware },
    { id: ids.firmwareBios, key: 'bios', name: 'System BIOS', version: state.firmware?.get('bios') ?? vendor.biosVersion },
  ];
}

function renderInventoryItem(item: ReturnType<typeof firmwareItems>[number]): Json {
  return {
    '@odata.id': `${INVENTORY}/${item.id}`,
    '@odata.type': '#SoftwareInventory.v1_13_0.SoftwareInventory',
    Id: item.id,
    Name: item.name,
    Version: item.version,
    Updateable: true,
    Status: STATUS_OK,
  };
}

function simpleUpdate(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, flavour } = state;
  const action = 'UpdateService.SimpleUpdate';
  requireLicense(state, flavour.update.license);
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems: RedfishMessage[] = Object.keys(body)
    .filter((k) => !k.includes('@') && !['ImageURI', 'TransferProtocol', 'Targets', 'Username', 'Password'].includes(k))
    .map((k) => book.make('ActionParameterUnknown', [action, k]));
  if (body.ImageURI === undefined) problems.push(book.make('ActionParameterMissing', [action, 'ImageURI']));
  if (problems.length > 0) throw badRequest(problems);
  const image = body.ImageURI;
  let url: URL | undefined;
  try {
    url = typeof image === 'string' ? new URL(image) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw badRequest([book.make('ActionParameterValueFormatError', [String(image), 'ImageURI', action])]);
  const items = firmwareItems(state);
  let key: 'bmc' | 'bios' = /bmc|idrac|ilo|xcc|firmimg/i.test(url.pathname) ? 'bmc' : 'bios';
  const targets: unknown = body.Targets;
  if (Array.isArray(targets) && targets.length > 0) {
    const target = items.find((i) => `${INVENTORY}/${i.id}` === targets[0]);
    if (!target) throw badRequest([book.make('ActionParameterValueNotInList', [String(targets[0]), 'Targets', action])]);
    key = target.key;
  }
  const version = /(\d+\.\d+(?:\.\d+)*)/.exec(url.pathname.split('/').at(-1) ?? '')?.[1];
  const newForMs = flavour.tasks.firstState === 'New' ? 1_000 : 0;
  const task = state.tasks.create({
    name: `Firmware update from ${url.pathname.split('/').at(-1) ?? 'image'}`,
    startMs: state.clock.now(),
    trigger: { kind: 'clock', durationMs: flavour.update.durationMs, newForMs },
    targetUri: `${UPDATE}/Actions/${action}`,
    httpOperation: 'POST',
    state: newForMs > 0 ? 'New' : 'Running',
    onComplete: () => {
      if (version !== undefined) (state.firmware ??= new Map()).set(key, version);
    },
  });
  return jsonReply(202, { '@Message.ExtendedInfo': [book.make('TaskEvent.TaskStarted', [task.id])] }, { Location: state.taskMonitorPath(task.id) });
}

function updateRoutes(): RouteDef[] {
  return [
    {
      pattern: UPDATE,
      handlers: {
        GET: () =>
          jsonReply(200, {
            '@odata.id': UPDATE,
            '@odata.type': '#UpdateService.v1_17_0.UpdateService',
            Id: 'UpdateService',
            Name: 'Update Service',
            ServiceEnabled: true,
            Status: STATUS_OK,
            FirmwareInventory: link(INVENTORY),
            Actions: { '#UpdateService.SimpleUpdate': { target: `${UPDATE}/Actions/UpdateService.SimpleUpdate`, 'TransferProtocol@Redfish.AllowableValues': ['HTTP', 'HTTPS'] } },
          }),
      },
    },
    { pattern: `${UPDATE}/Actions/UpdateService.SimpleUpdate`, handlers: { POST: simpleUpdate }, privileges: { POST: 'ConfigureComponents' } },
    { pattern: INVENTORY, handlers: { GET: (ctx) => jsonReply(200, collection(INVENTORY, 'SoftwareInventoryCollection', 'Firmware Inventory', firmwareItems(ctx.state).map((i) => `${INVENTORY}/${i.id}`))) } },
    {
      pattern: `${INVENTORY}/*`,
      handlers: {
        GET: (ctx) => {
          const item = firmwareItems(ctx.state).find((i) => i.id === ctx.params[0]);
          if (!item) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['SoftwareInventory', ctx.params[0] ?? ''])]);
          return jsonReply(200, renderInventoryItem(item));
        },
      },
    },
  ];
}

// ---------------------------------------------------------------------------
// EventService

const EVENTS = '/redfish/v1/EventService';
const SUBSCRIPTIONS = `${EVENTS}/Subscriptions`;
const SSE = `${EVENTS}/SSE`;

function renderSubscription(s: Subscription): Json {
  return {
    '@odata.id': `${SUBSCRIPTIONS}/${s.id}`,
    '@odata.type': '#EventDestination.v1_16_0.EventDestination',
    Id: s.id,
    Name: 'Event Subscription',
    Destination: s.destination,
    Protocol: s.protocol,
    ...(s.context === undefined ? {} : { Context: s.context }),
    SubscriptionType: 'RedfishEvent',
    EventFormatType: 'Event',
    RegistryPrefixes: s.registryPrefixes,
    Status: STATUS_OK,
  };
}

function subscribe(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems: RedfishMessage[] = [];
  for (const k of Object.keys(body)) {
    if (!k.includes('@') && !['Destination', 'Protocol', 'Context', 'RegistryPrefixes', 'EventFormatType', 'SubscriptionType'].includes(k)) problems.push(book.make('PropertyUnknown', [k], [`#/${k}`]));
  }
  if (body.Destination === undefined) problems.push(book.make('CreateFailedMissingReqProperties', ['Destination']));
  if (body.Protocol === undefined) problems.push(book.make('CreateFailedMissingReqProperties', ['Protocol']));
  else if (body.Protocol !== 'Redfish') problems.push(book.make('PropertyValueNotInList', [String(body.Protocol), 'Protocol'], ['#/Protocol']));
  if (body.Context !== undefined && typeof body.Context !== 'string') problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.Context), 'Context'], ['#/Context']));
  const prefixes = body.RegistryPrefixes ?? [];
  const known = [...state.shared.registries.keys()];
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string' || !known.includes(p))) {
    problems.push(book.make('PropertyValueNotInList', [JSON.stringify(prefixes), 'RegistryPrefixes'], ['#/RegistryPrefixes']));
  }
  let url: URL | undefined;
  if (typeof body.Destination === 'string') {
    try {
      url = new URL(body.Destination);
    } catch {
      url = undefined;
    }
  }
  // Events go only to loopback listeners: twin traffic never leaves the machine.
  if (body.Destination !== undefined && (!url || !['http:', 'https:'].includes(url.protocol) || !isLoopbackUrl(url))) {
    problems.push(book.make('PropertyValueFormatError', [String(body.Destination), 'Destination'], ['#/Destination']));
  }
  if (problems.length > 0) throw badRequest(problems);
  const subscription: Subscription = {
    id: String(state.nextSubscription++),
    destination: body.Destination as string,
    protocol: 'Redfish',
    context: body.Context as string | undefined,
    registryPrefixes: prefixes as string[],
  };
  (state.subscriptions ??= []).push(subscription);
  return jsonReply(201, renderSubscription(subscription), { Location: `${SUBSCRIPTIONS}/${subscription.id}` });
}

function findSubscription(ctx: RouteContext): Subscription {
  const s = ctx.state.subscriptions?.find((x) => x.id === ctx.params[0]);
  if (!s) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['EventDestination', ctx.params[0] ?? ''])]);
  return s;
}

function sse(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  return {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', ...ODATA_HEADERS },
    stream: {
      open(write, close) {
        const clients = (state.sseClients ??= new Set());
        let open = true;
        const client = {
          send: (event: BmcEvent): void => write(`id: ${event.id}\ndata: ${JSON.stringify(eventBody(state, event, undefined))}\n\n`),
          close: (): void => {
            stop();
            close();
          },
        };
        const stop = (): void => {
          if (!open) return;
          open = false;
          clients.delete(client);
          if (clients.size === 0 && state.sseClients === clients) state.sseClients = undefined;
        };
        clients.add(client);
        write(': stream open\n\n');
        return { dispose: stop };
      },
    },
  };
}

function submitTestEvent(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const body = jsonBody(ctx);
  const id = typeof body.MessageId === 'string' ? body.MessageId : 'ResourceEvent.1.4.ResourceChanged';
  const [prefix, , , name] = id.split('.');
  let message: RedfishMessage;
  try {
    message = state.book.make(`${prefix ?? 'ResourceEvent'}.${name ?? 'ResourceChanged'}`, Array.isArray(body.MessageArgs) ? body.MessageArgs.map(String) : []);
  } catch {
    throw badRequest([state.book.make('ActionParameterValueNotInList', [id, 'MessageId', 'EventService.SubmitTestEvent'])]);
  }
  const origin = isRecord(body.OriginOfCondition) && typeof body.OriginOfCondition['@odata.id'] === 'string' ? body.OriginOfCondition['@odata.id'] : EVENTS;
  state.publish(message, origin);
  return emptyReply(204);
}

function eventRoutes(): RouteDef[] {
  return [
    {
      pattern: EVENTS,
      handlers: {
        GET: (ctx) =>
          jsonReply(200, {
            '@odata.id': EVENTS,
            '@odata.type': '#EventService.v1_12_0.EventService',
            Id: 'EventService',
            Name: 'Event Service',
            ServiceEnabled: true,
            Status: STATUS_OK,
            DeliveryRetryAttempts: 3,
            DeliveryRetryIntervalSeconds: 30,
            EventFormatTypes: ['Event'],
            RegistryPrefixes: [...ctx.state.shared.registries.keys()],
            ServerSentEventUri: SSE,
            Subscriptions: link(SUBSCRIPTIONS),
            Actions: { '#EventService.SubmitTestEvent': { target: `${EVENTS}/Actions/EventService.SubmitTestEvent` } },
          }),
      },
    },
    { pattern: `${EVENTS}/Actions/EventService.SubmitTestEvent`, handlers: { POST: submitTestEvent }, privileges: { POST: 'ConfigureManager' } },
    { pattern: SSE, handlers: { GET: sse } },
    {
      pattern: SUBSCRIPTIONS,
      handlers: {
        GET: (ctx) => jsonReply(200, collection(SUBSCRIPTIONS, 'EventDestinationCollection', 'Event Subscriptions', (ctx.state.subscriptions ?? []).map((s) => `${SUBSCRIPTIONS}/${s.id}`))),
        POST: subscribe,
      },
      privileges: { POST: 'ConfigureManager' },
    },
    {
      pattern: `${SUBSCRIPTIONS}/*`,
      handlers: {
        GET: (ctx) => jsonReply(200, renderSubscription(findSubscription(ctx))),
        DELETE: (ctx) => {
          const s = findSubscription(ctx);
          ctx.state.subscriptions = ctx.state.subscriptions?.filter((x) => x !== s);
          return emptyReply(204);
        },
      },
      privileges: { DELETE: 'ConfigureManager' },
    },
  ];
}

// ---------------------------------------------------------------------------
// Registries

const REGISTRIES = '/redfish/v1/Registries';

interface RegistryEntry {
  readonly id: string;
  readonly registry: string;
  readonly fileName: string;
  readonly publication: string | undefined;
  readonly text: (state: BmcState) => string;
}

function registryEntries(state: BmcState): RegistryEntry[] {
  const entries: RegistryEntry[] = [...state.shared.registries.values()].map((r) => ({
    id: r.prefix,
    registry: r.messagePrefix,
    fileName: r.fileName,
    publication: `https://redfish.dmtf.org/registries/${r.fileName}`,
    text: () => r.text,
  }));
  const bios = state.flavour.bios.registryId;
  entries.push({ id: bios, registry: bios, fileName: `${bios}.json`, publication: undefined, text: (s) => attributeRegistryText(s.flavour, s.server.identity.manufacturer) });
  return entries;
}

function findRegistry(ctx: RouteContext): RegistryEntry {
  const entry = registryEntries(ctx.state).find((e) => e.id === ctx.params[0]);
  if (!entry) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['MessageRegistryFile', ctx.params[0] ?? ''])]);
  return entry;
}

function registryRoutes(): RouteDef[] {
  return [
    { pattern: REGISTRIES, handlers: { GET: (ctx) => jsonReply(200, collection(REGISTRIES, 'MessageRegistryFileCollection', 'Registry File Collection', registryEntries(ctx.state).map((e) => `${REGISTRIES}/${e.id}`))) } },
    {
      pattern: `${REGISTRIES}/*`,
      handlers: {
        GET: (ctx) => {
          const e = findRegistry(ctx);
          return jsonReply(200, {
            '@odata.id': `${REGISTRIES}/${e.id}`,
            '@odata.type': '#MessageRegistryFile.v1_1_5.MessageRegistryFile',
            Id: e.id,
            Name: `${e.id} Registry File`,
            Languages: ['en'],
            Registry: e.registry,
            Location: [{ Language: 'en', Uri: `${REGISTRIES}/${e.id}/${e.fileName}`, ...(e.publication === undefined ? {} : { PublicationUri: e.publication }) }],
          });
        },
      },
    },
    {
      pattern: `${REGISTRIES}/*/*`,
      handlers: {
        GET: (ctx) => {
          const e = findRegistry(ctx);
          if (ctx.params[1] !== e.fileName) throw new RedfishProblem(404, [ctx.state.book.make('ResourceMissingAtURI', [ctx.path])]);
          return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', ...ODATA_HEADERS }, body: e.text(ctx.state) };
        },
      },
    },
  ];
}

export function serviceRoutes(): RouteDef[] {
  return [...updateRoutes(), ...eventRoutes(), ...registryRoutes()];
}
