/**
 * A small scripted, stateful Redfish BMC for the driver's write paths — a UNIT
 * fixture only. The acceptance test of the driver is against the twin's Redfish
 * BMC (twins/redfish) once it lands; this fake exists so each protocol behaviour
 * (sessions with a limit and expiry, ETag 412, 202 task monitors, ExtendedInfo
 * errors, 503 then recovery, vendor flavours) can be provoked on purpose.
 *
 * It answers fetch-style: (Request) → Response, so it can sit on the in-process
 * network (model fidelity) or a loopback socket.
 */
type J = Record<string, unknown>;

export type Flavour = 'generic' | 'dell' | 'hpe' | 'supermicro' | 'lenovo';

export interface FakeBmcOptions {
  flavour?: Flavour;
  username?: string;
  password?: string;
  /** false: no SessionService (POST answers 405) — basic auth only. */
  sessions?: boolean;
  sessionLimit?: number;
  /** Where BIOS pending settings live. */
  biosSettings?: 'Settings' | 'Pending';
  resetTypes?: string[];
  /** Report no BootSourceOverrideMode. */
  bootModeAbsent?: boolean;
  bootEnabledValues?: string[];
  bootTargets?: string[];
  /** Polls a task needs before it completes; 0: actions answer 204 at once. */
  taskPolls?: number;
  /** PATCH needs If-Match equal to the current ETag (428 without, 412 when stale). */
  etagRequired?: boolean;
  /** Dell: a BIOS PATCH answers 202 with the job in Location (else the driver must POST the job). */
  jobFromPatch?: boolean;
  /** Virtual media slots have no InsertMedia/EjectMedia actions (XCC SD530). */
  vmediaNoActions?: boolean;
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

interface Rule {
  readonly method: string | undefined;
  readonly pathIncludes: string;
  remaining: number;
  readonly respond: () => Response;
}

const V1 = '/redfish/v1';
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const extendedError = (status: number, messageId: string, message: string, single = false): Response =>
  json(status, { error: { code: messageId, message: 'See @Message.ExtendedInfo', '@Message.ExtendedInfo': single ? { MessageId: messageId, Message: message } : [{ MessageId: messageId, Message: message }] } });

export class FakeBmc {
  readonly requests: Recorded[] = [];
  readonly resources = new Map<string, J>();
  readonly sessions = new Map<string, string>(); // token → session path
  private readonly versions = new Map<string, number>();
  private readonly rules: Rule[] = [];
  private readonly tasks = new Map<string, { polls: number; result: Response | undefined; state: string }>();
  private nextId = 1;
  readonly o: Required<Omit<FakeBmcOptions, 'resetTypes' | 'bootEnabledValues' | 'bootTargets' | 'sessionLimit'>> & FakeBmcOptions;

  constructor(options: FakeBmcOptions = {}) {
    this.o = {
      flavour: 'generic',
      username: 'admin',
      password: 'secret',
      sessions: true,
      biosSettings: 'Settings',
      bootModeAbsent: false,
      taskPolls: 0,
      etagRequired: options.flavour === 'hpe',
      jobFromPatch: true,
      vmediaNoActions: false,
      ...options,
    };
    this.build();
  }

  /** The next `times` requests matching answer `respond()` instead. */
  failNext(match: { method?: string; pathIncludes?: string }, respond: () => Response, times = 1): void {
    this.rules.push({ method: match.method, pathIncludes: match.pathIncludes ?? '', remaining: times, respond });
  }

  /** Drops every session, as a BMC reboot or an idle timeout would: the next request with a token gets 401. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Fills the session pool with other clients' sessions. */
  occupySessions(n: number): void {
    for (let i = 0; i < n; i++) this.sessions.set(`other-${this.nextId++}`, `${V1}/SessionService/Sessions/other`);
  }

  releaseOtherSessions(): void {
    for (const token of [...this.sessions.keys()]) if (token.startsWith('other-')) this.sessions.delete(token);
  }

  get(path: string): J {
    const r = this.resources.get(path);
    if (r === undefined) throw new Error(`fake BMC has no ${path}`);
    return r;
  }

  calls(method: string, pathIncludes = ''): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathIncludes));
  }

  readonly handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const text = await request.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return extendedError(400, 'Base.1.0.MalformedJSON', 'The request body is not JSON.');
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    this.requests.push({ method: request.method, path, headers, body });

    const rule = this.rules.find((r) => r.remaining > 0 && (r.method === undefined || r.method === request.method) && path.includes(r.pathIncludes));
    if (rule !== undefined) {
      rule.remaining--;
      return rule.respond();
    }
    if (request.method === 'GET' && (path === V1 || path === `${V1}`)) return this.read(`${V1}`);
    if (request.method === 'POST' && path === `${V1}/SessionService/Sessions`) return this.login(body);
    if (!this.authorized(headers)) return extendedError(401, 'Base.1.0.NoValidSession', 'There is no valid session established with the implementation.');

    switch (request.method) {
      case 'GET':
        return this.readGet(path);
      case 'PATCH':
        return this.patch(path, body, headers);
      case 'POST':
        return this.post(path, body);
      case 'DELETE':
        return this.delete(path);
      default:
        return extendedError(405, 'Base.1.0.OperationNotAllowed', 'Method not allowed.');
    }
  };

  // ---------------------------------------------------------------------------

  private authorized(headers: Record<string, string>): boolean {
    const token = headers['x-auth-token'];
    if (token !== undefined) return this.sessions.has(token);
    const basic = headers['authorization'];
    return basic === `Basic ${Buffer.from(`${this.o.username}:${this.o.password}`).toString('base64')}`;
  }

  private login(body: unknown): Response {
    if (!this.o.sessions) return extendedError(405, 'Base.1.0.OperationNotAllowed', 'Sessions are not supported.');
    const b = (body ?? {}) as J;
    if (b['UserName'] !== this.o.username || b['Password'] !== this.o.password) return extendedError(401, 'Base.1.0.InsufficientPrivilege', 'Invalid username or password.');
    if (this.o.sessionLimit !== undefined && this.sessions.size >= this.o.sessionLimit) {
      return extendedError(503, 'Base.1.0.SessionLimitExceeded', 'The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation (maximum sessions reached).');
    }
    const id = String(this.nextId++);
    const token = `tok-${id}`;
    const location = `${V1}/SessionService/Sessions/${id}`;
    this.sessions.set(token, location);
    this.resources.set(location, { '@odata.id': location, Id: id, UserName: this.o.username });
    return json(201, { '@odata.id': location, Id: id }, { 'x-auth-token': token, location });
  }

  private etag(path: string): string {
    return `"${path.length}-${this.versions.get(path) ?? 0}"`;
  }

  private bump(path: string): void {
    this.versions.set(path, (this.versions.get(path) ?? 0) + 1);
  }

  private read(path: string): Response {
    const r = this.resources.get(path);
    if (r === undefined) return extendedError(404, 'Base.1.0.ResourceMissingAtURI', `The resource at the URI ${path} was not found.`);
    return json(200, r, { etag: this.etag(path) });
  }

  private readGet(path: string): Response {
    if (path.endsWith('/Monitor')) return this.poll(path);
    return this.read(path);
  }

  private poll(monitor: string): Response {
    const task = this.tasks.get(monitor);
    if (task === undefined) return extendedError(404, 'Base.1.0.ResourceMissingAtURI', 'No such task.');
    const taskPath = monitor.replace(/\/Monitor$/, '');
    if (task.polls > 0) {
      task.polls--;
      return json(202, { '@odata.id': taskPath, TaskState: 'Running', TaskStatus: 'OK' }, { location: monitor, 'retry-after': '1' });
    }
    this.tasks.delete(monitor); // a finished monitor is gone after one read (XCC does this)
    this.resources.set(taskPath, { '@odata.id': taskPath, TaskState: task.state, TaskStatus: task.state === 'Completed' ? 'OK' : 'Critical', Messages: task.state === 'Completed' ? [] : [{ MessageId: 'Base.1.0.InternalError', Message: 'The task failed.' }] });
    return task.result ?? json(200, this.resources.get(taskPath));
  }

  /** Answers 202 with a task when the BMC is slow (taskPolls > 0), else runs `done` now. */
  private accepted(done: () => Response, state = 'Completed'): Response {
    if (this.o.taskPolls <= 0) return done();
    const id = String(this.nextId++);
    const monitor = `${V1}/TaskService/Tasks/${id}/Monitor`;
    this.tasks.set(monitor, { polls: this.o.taskPolls, result: undefined, state });
    const result = done();
    if (!result.ok) return result;
    return json(202, { '@odata.id': `${V1}/TaskService/Tasks/${id}`, TaskState: 'New' }, { location: monitor });
  }

  /** Makes a task that ends in `state` (for failure tests). */
  acceptedFailing(): Response {
    const id = String(this.nextId++);
    const monitor = `${V1}/TaskService/Tasks/${id}/Monitor`;
    this.tasks.set(monitor, { polls: 1, result: undefined, state: 'Exception' });
    return json(202, { '@odata.id': `${V1}/TaskService/Tasks/${id}`, TaskState: 'New' }, { location: monitor });
  }

  private patch(path: string, body: unknown, headers: Record<string, string>): Response {
    const r = this.resources.get(path);
    if (r === undefined) return extendedError(404, 'Base.1.0.ResourceMissingAtURI', `The resource at the URI ${path} was not found.`);
    const ifMatch = headers['if-match'];
    if (this.o.etagRequired && ifMatch === undefined) return extendedError(428, 'Base.1.0.PreconditionRequired', 'An If-Match header is required.');
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== this.etag(path)) return extendedError(412, 'Base.1.0.PreconditionFailed', 'The ETag does not match the current resource.');
    const b = (body ?? {}) as J;
    if (path.endsWith(`/Bios/${this.o.biosSettings}`)) {
      const bios = this.get(`${V1}/Systems/1/Bios`)['Attributes'] as J;
      for (const k of Object.keys((b['Attributes'] ?? {}) as J)) {
        if (!(k in bios)) return extendedError(400, 'Base.1.0.PropertyUnknown', `The property ${k} is not in the list of valid properties for the resource.`);
      }
      merge(r, { Attributes: b['Attributes'] });
      this.bump(path);
      if (this.o.flavour === 'dell' && this.o.jobFromPatch) {
        const job = `${V1}/Managers/1/Jobs/JID_${this.nextId++}`;
        this.resources.set(job, { '@odata.id': job, JobState: 'Scheduled' });
        return json(202, undefined, { location: job });
      }
      return json(204, undefined);
    }
    if (path.includes('/VirtualMedia/')) {
      merge(r, { Image: b['Image'] ?? null, Inserted: b['Inserted'] === true });
      this.bump(path);
      return json(204, undefined);
    }
    const { ['@Redfish.SettingsApplyTime']: _ignored, ...rest } = b;
    merge(r, rest);
    this.bump(path);
    return json(200, r, { etag: this.etag(path) });
  }

  private post(path: string, body: unknown): Response {
    const b = (body ?? {}) as J;
    if (path === `${V1}/Systems/1/Actions/ComputerSystem.Reset`) {
      const type = b['ResetType'];
      const allowed = (this.get(`${V1}/Systems/1`)['Actions'] as J)['#ComputerSystem.Reset'] as J;
      const values = allowed['ResetType@Redfish.AllowableValues'] as string[] | undefined;
      if (typeof type !== 'string' || (values !== undefined && !values.includes(type))) return extendedError(400, 'Base.1.0.ActionParameterValueNotInList', `The value ${String(type)} for the parameter ResetType is not in the list of acceptable values.`);
      return this.accepted(() => {
        const system = this.get(`${V1}/Systems/1`);
        system['PowerState'] = type === 'ForceOff' || type === 'GracefulShutdown' ? 'Off' : 'On';
        this.bump(`${V1}/Systems/1`);
        return json(204, undefined);
      });
    }
    if (path === `${V1}/Systems/1/Storage/1/Volumes`) {
      const id = String(this.nextId++);
      const volume = `${V1}/Systems/1/Storage/1/Volumes/${id}`;
      return this.accepted(() => {
        this.resources.set(volume, { '@odata.id': volume, Id: id, Name: b['Name'] ?? `Volume ${id}`, RAIDType: b['RAIDType'], Links: b['Links'] });
        (this.get(`${V1}/Systems/1/Storage/1/Volumes`)['Members'] as J[]).push({ '@odata.id': volume });
        return json(201, { '@odata.id': volume }, { location: volume });
      });
    }
    if (path === `${V1}/EventService/Subscriptions`) {
      const id = String(this.nextId++);
      const sub = `${V1}/EventService/Subscriptions/${id}`;
      this.resources.set(sub, { '@odata.id': sub, Id: id, ...b });
      (this.get(`${V1}/EventService/Subscriptions`)['Members'] as J[]).push({ '@odata.id': sub });
      return json(201, this.resources.get(sub), { location: sub });
    }
    if (path === `${V1}/Managers/1/Jobs` && this.o.flavour === 'dell') {
      const job = `${V1}/Managers/1/Jobs/JID_${this.nextId++}`;
      this.resources.set(job, { '@odata.id': job, JobState: 'Scheduled', TargetSettingsURI: b['TargetSettingsURI'] });
      return json(200, undefined, { location: job });
    }
    const vm = /^(.*\/VirtualMedia\/[^/]+)\/Actions\/VirtualMedia\.(InsertMedia|EjectMedia)$/.exec(path);
    if (vm !== null) {
      const slot = this.get(vm[1]!);
      if (vm[2] === 'InsertMedia') {
        if (this.o.flavour === 'supermicro' && ('Inserted' in b || 'WriteProtected' in b)) return extendedError(400, 'Base.1.0.PropertyNotWritable', 'The property Inserted is a read only property and cannot be assigned a value.');
        if (slot['Inserted'] === true) return extendedError(400, 'Base.1.0.ActionNotSupported', 'Media is already inserted.');
        return this.accepted(() => {
          merge(slot, { Image: b['Image'], Inserted: true });
          return json(204, undefined);
        });
      }
      if (this.o.flavour === 'hpe' && body === undefined) return extendedError(415, 'Base.1.0.UnsupportedMediaType', 'Unsupported media type.');
      merge(slot, { Image: null, Inserted: false });
      return json(204, undefined);
    }
    return extendedError(405, 'Base.1.0.ActionNotSupported', `The action at ${path} is not supported.`);
  }

  private delete(path: string): Response {
    if (path.startsWith(`${V1}/SessionService/Sessions/`)) {
      for (const [token, location] of this.sessions) if (location === path) this.sessions.delete(token);
      this.resources.delete(path);
      return json(204, undefined);
    }
    if (!this.resources.has(path)) return extendedError(404, 'Base.1.0.ResourceMissingAtURI', `The resource at the URI ${path} was not found.`);
    const collection = path.replace(/\/[^/]+$/, '');
    const members = this.resources.get(collection)?.['Members'] as J[] | undefined;
    return this.accepted(() => {
      this.resources.delete(path);
      if (members !== undefined) members.splice(members.findIndex((m) => m['@odata.id'] === path), 1);
      return json(204, undefined);
    });
  }

  // ---------------------------------------------------------------------------

  private put(path: string, body: J): void {
    this.resources.set(path, { '@odata.id': path, ...body });
  }

  private build(): void {
    const f = this.o.flavour;
    const vendor = { generic: 'Contoso', dell: 'Dell', hpe: 'HPE', supermicro: 'Supermicro', lenovo: 'Lenovo' }[f];
    const managerModel = { generic: 'Joo Janta 200', dell: '14G Monolithic', hpe: 'iLO 5', supermicro: 'X12', lenovo: 'XCC' }[f];
    this.put(V1, {
      Id: 'RootService',
      RedfishVersion: '1.15.0',
      UUID: '00000000-0000-0000-0000-000000000001',
      Vendor: vendor,
      Oem: { [vendor]: {} },
      Systems: { '@odata.id': `${V1}/Systems` },
      Managers: { '@odata.id': `${V1}/Managers` },
      Chassis: { '@odata.id': `${V1}/Chassis` },
      EventService: { '@odata.id': `${V1}/EventService` },
      ...(this.o.sessions ? { SessionService: { '@odata.id': `${V1}/SessionService` }, Links: { Sessions: { '@odata.id': `${V1}/SessionService/Sessions` } } } : {}),
    });
    this.put(`${V1}/SessionService/Sessions`, { Members: [] });
    this.put(`${V1}/Systems`, { Members: [{ '@odata.id': `${V1}/Systems/1` }] });
    const boot: J = {
      BootSourceOverrideEnabled: 'Disabled',
      BootSourceOverrideTarget: 'None',
      'BootSourceOverrideTarget@Redfish.AllowableValues': this.o.bootTargets ?? ['None', 'Pxe', f === 'supermicro' ? 'UsbCd' : 'Cd', 'Hdd', 'BiosSetup'],
      ...(this.o.bootEnabledValues === undefined ? {} : { 'BootSourceOverrideEnabled@Redfish.AllowableValues': this.o.bootEnabledValues }),
      ...(this.o.bootModeAbsent ? {} : { BootSourceOverrideMode: 'UEFI' }),
    };
    this.put(`${V1}/Systems/1`, {
      Id: '1',
      Manufacturer: f === 'dell' ? 'Dell Inc.' : vendor,
      Model: 'R1',
      SerialNumber: 'SN1',
      SKU: 'TAG123',
      UUID: '00000000-0000-0000-0000-0000000000aa',
      PowerState: 'On',
      Boot: boot,
      Bios: { '@odata.id': `${V1}/Systems/1/Bios` },
      Storage: { '@odata.id': `${V1}/Systems/1/Storage` },
      Links: { ManagedBy: [{ '@odata.id': `${V1}/Managers/1` }], Chassis: [{ '@odata.id': `${V1}/Chassis/1` }] },
      Actions: {
        '#ComputerSystem.Reset': {
          target: `${V1}/Systems/1/Actions/ComputerSystem.Reset`,
          ...(this.o.resetTypes === undefined ? {} : { 'ResetType@Redfish.AllowableValues': this.o.resetTypes }),
        },
      },
    });
    const settings = `${V1}/Systems/1/Bios/${this.o.biosSettings}`;
    const attributes = { BootMode: 'Uefi', ProcTurboMode: 'Enabled', ProcCoreDisable: 0, SriovGlobalEnable: false };
    this.put(`${V1}/Systems/1/Bios`, { Id: 'Bios', Attributes: { ...attributes }, '@Redfish.Settings': { SettingsObject: { '@odata.id': settings } } });
    this.put(settings, { Id: this.o.biosSettings, Attributes: { ...attributes }, ...(f === 'dell' ? {} : { '@Redfish.SettingsApplyTime': { 'ApplyTime@Redfish.AllowableValues': ['OnReset', 'Immediate'] } }) });
    this.put(`${V1}/Systems/1/Storage`, { Members: [{ '@odata.id': `${V1}/Systems/1/Storage/1` }] });
    const drives = ['D0', 'D1', 'D2', 'D3'].map((d) => `${V1}/Systems/1/Storage/1/Drives/${d}`);
    this.put(`${V1}/Systems/1/Storage/1`, { Id: '1', Drives: drives.map((d) => ({ '@odata.id': d })), Volumes: { '@odata.id': `${V1}/Systems/1/Storage/1/Volumes` } });
    for (const d of drives) this.put(d, { Id: d.split('/').pop(), CapacityBytes: 1e12, MediaType: 'SSD', Protocol: 'SATA' });
    this.put(`${V1}/Systems/1/Storage/1/Volumes`, { Members: [], '@Redfish.OperationApplyTimeSupport': { SupportedValues: ['Immediate', 'OnReset'] } });
    this.put(`${V1}/Managers`, { Members: [{ '@odata.id': `${V1}/Managers/1` }] });
    const vmOwner = f === 'dell' ? `${V1}/Systems/1` : `${V1}/Managers/1`;
    this.put(`${V1}/Managers/1`, { Id: '1', Model: managerModel, FirmwareVersion: '9.9.9', ...(f === 'dell' ? {} : { VirtualMedia: { '@odata.id': `${vmOwner}/VirtualMedia` } }) });
    if (f === 'dell') this.get(`${V1}/Systems/1`)['VirtualMedia'] = { '@odata.id': `${vmOwner}/VirtualMedia` };
    this.put(`${vmOwner}/VirtualMedia`, { Members: [{ '@odata.id': `${vmOwner}/VirtualMedia/USB1` }, { '@odata.id': `${vmOwner}/VirtualMedia/CD1` }] });
    for (const [id, types] of [['USB1', ['USBStick']], ['CD1', ['CD', 'DVD']]] as const) {
      const slot = `${vmOwner}/VirtualMedia/${id}`;
      this.put(slot, {
        Id: id,
        MediaTypes: [...types],
        Image: null,
        Inserted: false,
        ...(this.o.vmediaNoActions
          ? {}
          : { Actions: { '#VirtualMedia.InsertMedia': { target: `${slot}/Actions/VirtualMedia.InsertMedia` }, '#VirtualMedia.EjectMedia': { target: `${slot}/Actions/VirtualMedia.EjectMedia` } } }),
      });
    }
    this.put(`${V1}/Chassis`, { Members: [{ '@odata.id': `${V1}/Chassis/1` }] });
    this.put(`${V1}/Chassis/1`, { Id: '1', SerialNumber: 'CH1' });
    this.put(`${V1}/EventService`, { Subscriptions: { '@odata.id': `${V1}/EventService/Subscriptions` }, EventTypesForSubscription: ['Alert', 'StatusChange'] });
    this.put(`${V1}/EventService/Subscriptions`, { Members: [] });
  }
}

function merge(target: J, patch: J): void {
  for (const [k, v] of Object.entries(patch)) {
    const cur = target[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !Array.isArray(cur)) merge(cur as J, v as J);
    else target[k] = v;
  }
}
