import type { BmcState } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import type { AttributeDef, AttributeValue, RedfishFlavour } from '../flavours/index.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, checkPatch, isoTime, isRecord, jsonBody, link, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { isFinished } from '../state/tasks.js';
import { patchReply } from './systems.js';

const APPLY_TIMES = ['OnReset'] as const;

/** Every attribute's effective value now: registry defaults overlaid with what was applied. */
export function currentAttributes(state: BmcState): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const def of state.flavour.bios.attributes) out[def.name] = state.bios.current?.get(def.name) ?? fixedValue(state, def);
  return out;
}

/** Read-only attributes that mirror the hardware (the service tag, the serial). */
function fixedValue(state: BmcState, def: AttributeDef): AttributeValue {
  if (def.readOnly && /Serial|ServiceTag/.test(def.name)) return state.server.identity.serialNumber.slice(0, def.type === 'String' ? def.maxLength : 64);
  return def.defaultValue;
}

function pendingAttributes(state: BmcState): Record<string, AttributeValue> {
  const { bios, flavour } = state;
  const base: Record<string, AttributeValue> = flavour.bios.settingsShows === 'merged' ? currentAttributes(state) : {};
  if (bios.resetPending) for (const def of flavour.bios.attributes) if (!def.readOnly) base[def.name] = def.defaultValue;
  for (const [name, value] of bios.pending ?? []) base[name] = value;
  return base;
}

export function biosPath(state: BmcState): string {
  return `${state.systemPath}/Bios`;
}

function settingsPath(state: BmcState): string {
  return `${biosPath(state)}/${state.flavour.bios.settingsSegment}`;
}

function renderBios(state: BmcState): Json {
  const path = biosPath(state);
  const { bios, flavour } = state;
  return {
    '@odata.id': path,
    '@odata.type': '#Bios.v1_2_3.Bios',
    Id: 'Bios',
    Name: 'BIOS Configuration Current Settings',
    AttributeRegistry: flavour.bios.registryId,
    Attributes: currentAttributes(state),
    ResetBiosToDefaultsPending: bios.resetPending,
    '@Redfish.Settings': {
      '@odata.type': '#Settings.v1_4_0.Settings',
      SettingsObject: link(settingsPath(state)),
      SupportedApplyTimes: APPLY_TIMES,
      ...(bios.pendingSinceMs === undefined ? {} : { Time: isoTime(bios.pendingSinceMs) }),
    },
    Actions: { '#Bios.ResetBios': { target: `${path}/Actions/Bios.ResetBios` } },
  };
}

function renderSettings(state: BmcState): Json {
  return {
    '@odata.id': settingsPath(state),
    '@odata.type': '#Bios.v1_2_3.Bios',
    Id: state.flavour.bios.settingsSegment,
    Name: 'BIOS Configuration Pending Settings',
    AttributeRegistry: state.flavour.bios.registryId,
    Attributes: pendingAttributes(state),
  };
}

/** Checks attribute writes against the flavour's registry; every problem is reported, nothing applied. */
export function checkAttributes(state: BmcState, attributes: Json): { values: Map<string, AttributeValue>; problems: RedfishMessage[] } {
  const { book } = state;
  const defs = new Map(state.flavour.bios.attributes.map((d) => [d.name, d] as const));
  const values = new Map<string, AttributeValue>();
  const problems: RedfishMessage[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    const def = defs.get(name);
    const prop = `Attributes/${name}`;
    const related = [`#/Attributes/${name}`];
    const typeError = (): void => void problems.push(book.make('PropertyValueTypeError', [JSON.stringify(value), prop], related));
    if (!def) {
      problems.push(book.make('PropertyUnknown', [prop], related));
      continue;
    }
    if (def.readOnly) {
      problems.push(book.make('PropertyNotWritable', [prop], related));
      continue;
    }
    switch (def.type) {
      case 'Enumeration':
        if (typeof value !== 'string') typeError();
        else if (!def.values.includes(value)) problems.push(book.make('PropertyValueNotInList', [value, prop], related));
        else values.set(name, value);
        break;
      case 'Integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) typeError();
        else if (value < def.lowerBound || value > def.upperBound) problems.push(book.make('PropertyValueOutOfRange', [String(value), prop], related));
        else values.set(name, value);
        break;
      case 'String':
        if (typeof value !== 'string') typeError();
        else if (value.length > def.maxLength) problems.push(book.make('StringValueTooLong', [value, def.maxLength], related));
        else values.set(name, value);
        break;
      case 'Boolean':
        if (typeof value !== 'boolean') typeError();
        else values.set(name, value);
        break;
    }
  }
  return { values, problems };
}

export function requireLicense(state: BmcState, license: string | undefined): void {
  if (license !== undefined && !state.licenses.has(license)) throw new RedfishProblem(403, [state.book.make('LicenseRequired', [license])]);
}

function patchSettings(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book, flavour } = state;
  requireLicense(state, flavour.bios.license);
  // HPE iLO demands If-Match on the BIOS settings (428 without it); a wrong one is 412 on every flavour (checked before the handler).
  if (flavour.bios.requireIfMatch && ctx.req.header('if-match') === undefined) throw new RedfishProblem(428, [book.make('PreconditionRequired')]);
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems = checkPatch(ctx, body, renderSettings(state), { Attributes: true });
  const apply = body['@Redfish.SettingsApplyTime'];
  let applyTime: string | undefined;
  if (apply !== undefined) {
    const time = isRecord(apply) ? apply.ApplyTime : undefined;
    if (typeof time !== 'string' || !(APPLY_TIMES as readonly string[]).includes(time)) {
      problems.push(book.make('PropertyValueNotInList', [JSON.stringify(time ?? apply), '@Redfish.SettingsApplyTime/ApplyTime'], ['#/@Redfish.SettingsApplyTime/ApplyTime']));
    } else applyTime = time;
  }
  let values = new Map<string, AttributeValue>();
  if (body.Attributes !== undefined) {
    if (!isRecord(body.Attributes)) problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.Attributes), 'Attributes'], ['#/Attributes']));
    else {
      const checked = checkAttributes(state, body.Attributes);
      values = checked.values;
      problems.push(...checked.problems);
    }
  }
  if (problems.length > 0) throw badRequest(problems);
  if (values.size === 0) throw badRequest([book.make('NoOperation')]);
  const bios = state.bios;
  bios.pending ??= new Map();
  for (const [name, value] of values) bios.pending.set(name, value);
  bios.pendingSinceMs ??= state.clock.now();
  // iDRAC: a PATCH that names its apply time creates the config job itself and answers 202 with the job (field note 7).
  if (flavour.bios.apply === 'job' && applyTime !== undefined) {
    const job = createBiosJob(state);
    return emptyReply(202, { Location: state.taskMonitorPath(job) });
  }
  return patchReply(state, () => renderSettings(state));
}

/** A config job that applies the pending BIOS settings at the next reset (iDRAC's `Configure: BIOS.Setup.1-1`). */
export function createBiosJob(state: BmcState): string {
  const existing = state.tasks.waitingForReset().find((t) => t.name.startsWith('Configure: BIOS'));
  if (existing) return existing.id;
  const task = state.tasks.create({
    name: 'Configure: BIOS.Setup.1-1',
    startMs: state.clock.now(),
    trigger: { kind: 'reset' },
    targetUri: settingsPath(state),
    httpOperation: 'PATCH',
    state: 'Pending',
    onComplete: undefined,
  });
  return task.id;
}

/** POST …/Managers/iDRAC.Embedded.1/Jobs { TargetSettingsURI } (Dell). */
export function createJob(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const target = body.TargetSettingsURI;
  if (target === undefined) throw badRequest([book.make('CreateFailedMissingReqProperties', ['TargetSettingsURI'])]);
  if (target !== settingsPath(state)) throw badRequest([book.make('PropertyValueNotInList', [String(target), 'TargetSettingsURI'], ['#/TargetSettingsURI'])]);
  if (!state.bios.pending && !state.bios.resetPending) throw badRequest([book.make('NoOperation')]);
  const existing = state.tasks.waitingForReset().find((t) => t.name.startsWith('Configure: BIOS') && !isFinished(t.state));
  if (existing) throw new RedfishProblem(409, [book.make('ResourceAlreadyExists', ['Job', 'TargetSettingsURI', String(target)])]);
  const id = createBiosJob(state);
  return jsonReply(200, { '@Message.ExtendedInfo': [book.make('Success')] }, { Location: state.taskMonitorPath(id) });
}

function resetBios(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  requireLicense(state, state.flavour.bios.license);
  const body = jsonBody(ctx);
  const unknown = Object.keys(body).filter((k) => !k.includes('@'));
  if (unknown.length > 0) throw badRequest(unknown.map((k) => state.book.make('ActionParameterUnknown', ['Bios.ResetBios', k])));
  state.bios.resetPending = true;
  state.bios.pending = undefined;
  state.bios.pendingSinceMs ??= state.clock.now();
  return state.flavour.power.resetStatus === 204 ? emptyReply(204) : jsonReply(200, { '@Message.ExtendedInfo': [state.book.make('Success')] });
}

const registryCache = new WeakMap<RedfishFlavour, string>();

/** The flavour's AttributeRegistry document, rendered once per flavour. */
export function attributeRegistryText(flavour: RedfishFlavour, manufacturer: string): string {
  let text = registryCache.get(flavour);
  if (text !== undefined) return text;
  const [, version = '1.0.0'] = /v?(\d+[._]\d+[._]\d+)$/.exec(flavour.bios.registryId) ?? [];
  text = JSON.stringify({
    '@odata.type': '#AttributeRegistry.v1_4_0.AttributeRegistry',
    Id: flavour.bios.registryId,
    Name: 'BIOS Attribute Registry',
    Language: 'en',
    OwningEntity: manufacturer,
    RegistryVersion: version.replaceAll('_', '.'),
    SupportedSystems: [{ ProductName: flavour.description.split(':')[0], SystemId: flavour.bios.registryId.replace(/[^A-Za-z0-9]/g, ''), FirmwareVersion: flavour.vendor.biosVersion }],
    RegistryEntries: {
      Attributes: flavour.bios.attributes.map((d) => ({
        AttributeName: d.name,
        DisplayName: d.displayName,
        Type: d.type,
        ReadOnly: d.readOnly ?? false,
        ResetRequired: true,
        DefaultValue: d.defaultValue,
        ...(d.type === 'Enumeration' ? { Value: d.values.map((v) => ({ ValueName: v, ValueDisplayName: v })) } : {}),
        ...(d.type === 'Integer' ? { LowerBound: d.lowerBound, UpperBound: d.upperBound, ScalarIncrement: 1 } : {}),
        ...(d.type === 'String' ? { MaxLength: d.maxLength, MinLength: 0 } : {}),
      })),
    },
  });
  registryCache.set(flavour, text);
  return text;
}

export function biosRoutes(systemPath: string, flavour: RedfishFlavour): RouteDef[] {
  const path = `${systemPath}/Bios`;
  return [
    { pattern: path, handlers: { GET: (ctx) => jsonReply(200, renderBios(ctx.state)) } },
    { pattern: `${path}/${flavour.bios.settingsSegment}`, handlers: { GET: (ctx) => jsonReply(200, renderSettings(ctx.state)), PATCH: patchSettings } },
    { pattern: `${path}/Actions/Bios.ResetBios`, handlers: { POST: resetBios } },
  ];
}
