import type { Account, BmcState, Role } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import { RedfishProblem, type RedfishMessage } from '../messages.js';
import { badRequest, checkPatch, collection, isoTime, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import type { Session } from '../state/sessions.js';
import { patchReply } from './systems.js';

const SESSIONS = '/redfish/v1/SessionService/Sessions';
const ACCOUNTS = '/redfish/v1/AccountService/Accounts';
const ROLES = '/redfish/v1/AccountService/Roles';

export const ROLE_PRIVILEGES: Readonly<Record<Role, readonly string[]>> = {
  Administrator: ['Login', 'ConfigureManager', 'ConfigureUsers', 'ConfigureSelf', 'ConfigureComponents'],
  Operator: ['Login', 'ConfigureSelf', 'ConfigureComponents'],
  ReadOnly: ['Login', 'ConfigureSelf'],
};

function renderSessionService(state: BmcState): Json {
  return {
    '@odata.id': '/redfish/v1/SessionService',
    '@odata.type': '#SessionService.v1_2_0.SessionService',
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: state.sessions.timeoutMs / 1_000,
    Status: STATUS_OK,
    Sessions: link(SESSIONS),
  };
}

function renderSession(session: Session): Json {
  return {
    '@odata.id': `${SESSIONS}/${session.id}`,
    '@odata.type': '#Session.v1_8_0.Session',
    Id: session.id,
    Name: 'User Session',
    UserName: session.user,
    SessionType: 'Redfish',
    CreatedTime: isoTime(session.createdMs),
  };
}

/** Finds the account for a user name and password, or undefined. */
export function authenticate(state: BmcState, user: string, password: string): Account | undefined {
  return state.accounts.find((a) => a.enabled && a.user === user && a.password === password);
}

function login(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const missing = ['UserName', 'Password'].filter((k) => typeof body[k] !== 'string');
  if (missing.length > 0) throw badRequest(missing.map((k) => book.make('CreateFailedMissingReqProperties', [k])));
  // A `wrong-credentials` fault makes the right password fail too.
  const account = state.faults?.strike(state.faultTarget, ['wrong-credentials']) ? undefined : authenticate(state, body.UserName as string, body.Password as string);
  if (!account) throw new RedfishProblem(401, [book.make('NoValidSession')]);
  const exhausted = state.faults?.strike(state.faultTarget, ['session-exhaustion']) !== undefined;
  const token = Buffer.from(state.random.bytes(16)).toString('hex');
  const session = exhausted ? undefined : state.sessions.create(account.user, token, state.clock.now());
  // Session-pool exhaustion (field note 41): 503 with SessionLimitExceeded.
  if (!session) throw new RedfishProblem(503, [book.make('SessionLimitExceeded')], { 'Retry-After': '30' });
  return jsonReply(201, renderSession(session), { 'X-Auth-Token': session.token, Location: `${SESSIONS}/${session.id}` });
}

function findSession(ctx: RouteContext): Session {
  const session = ctx.state.sessions.byId(ctx.params[0] ?? '', ctx.state.clock.now());
  if (!session) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Session', ctx.params[0] ?? ''])]);
  return session;
}

function logout(ctx: RouteContext): RedfishReply {
  const session = findSession(ctx);
  const own = ctx.session?.id === session.id || ctx.account?.user === session.user;
  if (!own && !ROLE_PRIVILEGES[ctx.account?.role ?? 'ReadOnly'].includes('ConfigureUsers')) {
    throw new RedfishProblem(403, [ctx.state.book.make('InsufficientPrivilege')]);
  }
  ctx.state.sessions.delete(session.id);
  return emptyReply(204);
}

function patchSessionService(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems = checkPatch(ctx, body, renderSessionService(state), { SessionTimeout: true });
  const t = body.SessionTimeout;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t))) problems.push(state.book.make('PropertyValueTypeError', [JSON.stringify(t), 'SessionTimeout'], ['#/SessionTimeout']));
  else if (typeof t === 'number' && (t < 30 || t > 86_400)) problems.push(state.book.make('PropertyValueOutOfRange', [String(t), 'SessionTimeout'], ['#/SessionTimeout']));
  if (problems.length > 0) throw badRequest(problems);
  if (typeof t === 'number') state.sessions.timeoutMs = t * 1_000;
  return patchReply(state, () => renderSessionService(state));
}

// ---------------------------------------------------------------------------
// Accounts

function renderAccountService(state: BmcState): Json {
  return {
    '@odata.id': '/redfish/v1/AccountService',
    '@odata.type': '#AccountService.v1_18_1.AccountService',
    Id: 'AccountService',
    Name: 'Account Service',
    ServiceEnabled: true,
    Status: STATUS_OK,
    MinPasswordLength: 8,
    MaxPasswordLength: 32,
    AccountLockoutThreshold: 0,
    AuthFailureLoggingThreshold: 3,
    LocalAccountAuth: 'Enabled',
    Accounts: link(ACCOUNTS),
    Roles: link(ROLES),
  };
}

function renderAccount(account: Account): Json {
  return {
    '@odata.id': `${ACCOUNTS}/${account.id}`,
    '@odata.type': '#ManagerAccount.v1_14_1.ManagerAccount',
    Id: account.id,
    Name: 'User Account',
    UserName: account.user,
    RoleId: account.role,
    Enabled: account.enabled,
    Locked: false,
    Password: null,
    AccountTypes: ['Redfish'],
    Links: { Role: link(`${ROLES}/${account.role}`) },
  };
}

function findAccount(ctx: RouteContext): Account {
  const account = ctx.state.accounts.find((a) => a.id === ctx.params[0]);
  if (!account) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['ManagerAccount', ctx.params[0] ?? ''])]);
  return account;
}

function checkAccountFields(state: BmcState, body: Json, problems: RedfishMessage[]): void {
  const { book } = state;
  if (body.Password !== undefined) {
    if (typeof body.Password !== 'string') problems.push(book.make('PropertyValueTypeError', ['(hidden)', 'Password'], ['#/Password']));
    else if (body.Password.length < 8 || body.Password.length > 32) problems.push(book.make('PropertyValueFormatError', ['(hidden)', 'Password'], ['#/Password']));
  }
  if (body.RoleId !== undefined && !(typeof body.RoleId === 'string' && body.RoleId in ROLE_PRIVILEGES)) {
    problems.push(book.make('PropertyValueNotInList', [String(body.RoleId), 'RoleId'], ['#/RoleId']));
  }
  if (body.UserName !== undefined && (typeof body.UserName !== 'string' || !/^[A-Za-z0-9._-]{1,16}$/.test(body.UserName))) {
    problems.push(book.make('PropertyValueFormatError', [String(body.UserName), 'UserName'], ['#/UserName']));
  }
  if (body.Enabled !== undefined && typeof body.Enabled !== 'boolean') problems.push(book.make('PropertyValueTypeError', [JSON.stringify(body.Enabled), 'Enabled'], ['#/Enabled']));
}

function createAccount(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const { book } = state;
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems: RedfishMessage[] = [];
  for (const k of ['UserName', 'Password']) if (body[k] === undefined) problems.push(book.make('CreateFailedMissingReqProperties', [k]));
  for (const k of Object.keys(body)) if (!k.includes('@') && !['UserName', 'Password', 'RoleId', 'Enabled'].includes(k)) problems.push(book.make('PropertyUnknown', [k], [`#/${k}`]));
  checkAccountFields(state, body, problems);
  if (problems.length > 0) throw badRequest(problems);
  if (state.accounts.some((a) => a.user === body.UserName)) throw new RedfishProblem(409, [book.make('ResourceAlreadyExists', ['ManagerAccount', 'UserName', String(body.UserName)])]);
  const used = new Set(state.accounts.map((a) => Number(a.id)));
  let id = state.flavour.ids.firstAccountId;
  while (used.has(id)) id++;
  const account: Account = { id: String(id), user: body.UserName as string, password: body.Password as string, role: (body.RoleId as Role | undefined) ?? 'ReadOnly', enabled: body.Enabled !== false };
  state.accounts.push(account);
  return jsonReply(201, renderAccount(account), { Location: `${ACCOUNTS}/${account.id}` });
}

function patchAccount(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const account = findAccount(ctx);
  const body = jsonBody(ctx, { allowEmpty: false });
  const own = ctx.account?.id === account.id;
  const admin = ROLE_PRIVILEGES[ctx.account?.role ?? 'ReadOnly'].includes('ConfigureUsers');
  // ConfigureSelf: anyone may change their own password; everything else needs ConfigureUsers.
  if (!admin && !(own && Object.keys(body).every((k) => k === 'Password'))) throw new RedfishProblem(403, [state.book.make('InsufficientPrivilege')]);
  const problems = checkPatch(ctx, body, renderAccount(account), { UserName: true, Password: true, RoleId: true, Enabled: true });
  checkAccountFields(state, body, problems);
  if (problems.length > 0) throw badRequest(problems);
  if (typeof body.UserName === 'string') account.user = body.UserName;
  if (typeof body.Password === 'string') account.password = body.Password;
  if (typeof body.RoleId === 'string') account.role = body.RoleId as Role;
  if (typeof body.Enabled === 'boolean') account.enabled = body.Enabled;
  return patchReply(state, () => renderAccount(account));
}

function deleteAccount(ctx: RouteContext): RedfishReply {
  const account = findAccount(ctx);
  if (ctx.account?.id === account.id) throw new RedfishProblem(409, [ctx.state.book.make('ResourceInUse')]);
  ctx.state.accounts.splice(ctx.state.accounts.indexOf(account), 1);
  return emptyReply(204);
}

function renderRole(role: Role): Json {
  return {
    '@odata.id': `${ROLES}/${role}`,
    '@odata.type': '#Role.v1_3_3.Role',
    Id: role,
    Name: `${role} role`,
    RoleId: role,
    IsPredefined: true,
    AssignedPrivileges: ROLE_PRIVILEGES[role],
  };
}

export function sessionRoutes(): RouteDef[] {
  return [
    { pattern: '/redfish/v1/SessionService', handlers: { GET: (ctx) => jsonReply(200, renderSessionService(ctx.state)), PATCH: patchSessionService }, privileges: { PATCH: 'ConfigureManager' } },
    {
      pattern: SESSIONS,
      handlers: {
        GET: (ctx) =>
          jsonReply(
            200,
            collection(
              SESSIONS,
              'SessionCollection',
              'Session Collection',
              ctx.state.sessions.list(ctx.state.clock.now()).map((s) => `${SESSIONS}/${s.id}`),
            ),
          ),
        POST: login,
      },
      privileges: { POST: 'None' },
    },
    { pattern: `${SESSIONS}/*`, handlers: { GET: (ctx) => jsonReply(200, renderSession(findSession(ctx))), DELETE: logout }, privileges: { DELETE: 'ConfigureSelf' } },
    { pattern: '/redfish/v1/AccountService', handlers: { GET: (ctx) => jsonReply(200, renderAccountService(ctx.state)) } },
    {
      pattern: ACCOUNTS,
      handlers: { GET: (ctx) => jsonReply(200, collection(ACCOUNTS, 'ManagerAccountCollection', 'Accounts Collection', ctx.state.accounts.map((a) => `${ACCOUNTS}/${a.id}`))), POST: createAccount },
      privileges: { POST: 'ConfigureUsers' },
    },
    { pattern: `${ACCOUNTS}/*`, handlers: { GET: (ctx) => jsonReply(200, renderAccount(findAccount(ctx))), PATCH: patchAccount, DELETE: deleteAccount }, privileges: { PATCH: 'ConfigureSelf', DELETE: 'ConfigureUsers' } },
    { pattern: ROLES, handlers: { GET: () => jsonReply(200, collection(ROLES, 'RoleCollection', 'Roles Collection', (Object.keys(ROLE_PRIVILEGES) as Role[]).map((r) => `${ROLES}/${r}`))) } },
    {
      pattern: `${ROLES}/*`,
      handlers: {
        GET: (ctx) => {
          const role = ctx.params[0] ?? '';
          if (!(role in ROLE_PRIVILEGES)) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Role', role])]);
          return jsonReply(200, renderRole(role as Role));
        },
      },
    },
  ];
}
