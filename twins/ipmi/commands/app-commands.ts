import { asciiField } from '../bytes.js';
import { Privilege, USER_PRIVILEGE } from '../privilege.js';
import { commandTable, CompletionCode, fail, NetFn, ok, type CommandContext, type CommandHandler, type Reply } from './command.js';

/** Application commands (IPMI v2.0 §20, §22): device identity, channel, session and user queries. */

const LAN_CHANNEL = 1;
/** Channel number 0Eh means "the channel this request came in on". */
const THIS_CHANNEL = 0x0e;
const MAX_USERS = 16;
/** IPMI Forum's IANA number, for channel vendor fields: 7154. */
const IPMI_FORUM_IANA = [0xf2, 0x1b, 0x00];

const isLanChannel = (byte: number): boolean => {
  const channel = byte & 0x0f;
  return channel === THIS_CHANNEL || channel === LAN_CHANNEL;
};

function getDeviceId(ctx: CommandContext): Reply {
  const { identity } = ctx.server;
  const [major = 0, minor = 0] = identity.firmwareVersion.split('.').map(Number);
  const minorBcd = ((Math.floor(minor / 10) % 10) << 4) | (minor % 10);
  return ok([
    0x20, 0x01, // device id, revision 1 (no device SDRs)
    major & 0x7f, minorBcd, 0x02, // firmware, IPMI 2.0
    0x8f, // chassis, FRU inventory, SEL, SDR repository, sensor device
    identity.manufacturerId & 0xff, (identity.manufacturerId >> 8) & 0xff, (identity.manufacturerId >> 16) & 0x0f,
    identity.productId & 0xff, identity.productId >> 8,
    0, 0, 0, 0,
  ]);
}

function getChannelAuthCapabilities(_ctx: CommandContext, data: Uint8Array): Reply {
  const wantsV20 = (data[0]! & 0x80) !== 0;
  const privilege = data[1]! & 0x0f;
  if (!isLanChannel(data[0]!) || privilege < Privilege.callback || privilege > 5) return fail(CompletionCode.invalidDataField);
  // No IPMI v1.5 authentication types; non-null user names only (no null user, no anonymous login); KG all zeros.
  return ok([LAN_CHANNEL, wantsV20 ? 0x80 : 0x00, 0x04, wantsV20 ? 0x02 : 0x00, 0, 0, 0, 0]);
}

function getChannelCipherSuites(ctx: CommandContext, data: Uint8Array): Reply {
  if (!isLanChannel(data[0]!)) return fail(CompletionCode.invalidDataField);
  const bySuite = (data[2]! & 0x80) !== 0;
  const index = data[2]! & 0x3f;
  const list =
    data[1] !== 0x00
      ? []
      : bySuite
        ? ctx.suites.flatMap((s) => [0xc0, s.id, s.authAlgorithm, 0x40 | s.integrityAlgorithm, 0x80 | s.confidentialityAlgorithm])
        : [...new Set(ctx.suites.flatMap((s) => [s.authAlgorithm, 0x40 | s.integrityAlgorithm, 0x80 | s.confidentialityAlgorithm]))];
  return ok([LAN_CHANNEL, ...list.slice(index * 16, index * 16 + 16)]);
}

function setSessionPrivilege(ctx: CommandContext, data: Uint8Array): Reply {
  const session = ctx.session!;
  const requested = data[0]! & 0x0f;
  if (requested === 0) return ok([session.privilege]);
  if (requested > Privilege.administrator) return fail(CompletionCode.specific80);
  if (requested > session.privilegeLimit) return fail(CompletionCode.specific81);
  session.privilege = requested as typeof session.privilege;
  return ok([requested]);
}

function closeSession(ctx: CommandContext, data: Uint8Array): Reply {
  const id = data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24);
  const target = id >>> 0;
  if (target !== ctx.session!.bmcSessionId && ctx.session!.privilege < Privilege.administrator) return fail(CompletionCode.insufficientPrivilege);
  return ctx.sessions.close(target) ? ok() : fail(CompletionCode.invalidSessionId);
}

function getChannelInfo(ctx: CommandContext, data: Uint8Array): Reply {
  if (!isLanChannel(data[0]!)) return fail(CompletionCode.invalidDataField);
  // 802.3 LAN, IPMB-1.0 protocol, multi-session, active session count.
  return ok([LAN_CHANNEL, 0x04, 0x01, 0x80 | Math.min(0x3f, ctx.sessions.activeCount(ctx.nowMs)), ...IPMI_FORUM_IANA, 0, 0]);
}

function userId(data: Uint8Array, at: number): number {
  return data[at]! & 0x3f;
}

function getUserAccess(ctx: CommandContext, data: Uint8Array): Reply {
  const id = userId(data, 1);
  if (!isLanChannel(data[0]!) || id === 0 || id > MAX_USERS) return fail(CompletionCode.invalidDataField);
  const user = ctx.users[id - 2];
  // Enabled users, "enabled" status 01b; access: IPMI messaging and link auth on, privilege limit (0Fh: no access).
  const access = user ? 0x40 | 0x20 | USER_PRIVILEGE[user.privilege] : 0x0f;
  return ok([MAX_USERS, 0x40 | ctx.users.length, 0, access]);
}

function getUserName(ctx: CommandContext, data: Uint8Array): Reply {
  const id = userId(data, 0);
  if (id === 0 || id > MAX_USERS) return fail(CompletionCode.invalidDataField);
  return ok(asciiField(ctx.users[id - 2]?.name ?? '', 16));
}

export const APP_COMMANDS: readonly CommandHandler[] = commandTable(NetFn.app, [
  [0x01, 'Get Device ID', Privilege.user, [0, 0], getDeviceId],
  [0x08, 'Get Device GUID', Privilege.user, [0, 0], (ctx) => ok(ctx.deviceGuid)],
  [0x37, 'Get System GUID', Privilege.none, [0, 0], (ctx) => ok(ctx.systemGuid)],
  [0x38, 'Get Channel Authentication Capabilities', Privilege.none, [2, 2], getChannelAuthCapabilities],
  [0x3b, 'Set Session Privilege Level', Privilege.callback, [1, 1], setSessionPrivilege],
  [0x3c, 'Close Session', Privilege.callback, [4, 5], closeSession],
  [0x42, 'Get Channel Info', Privilege.user, [1, 1], getChannelInfo],
  [0x44, 'Get User Access', Privilege.operator, [2, 2], getUserAccess],
  [0x46, 'Get User Name', Privilege.operator, [1, 1], getUserName],
  [0x54, 'Get Channel Cipher Suites', Privilege.none, [3, 3], getChannelCipherSuites],
]);
