import { ipmiTimestamp, u16, u32 } from '../bytes.js';
import { Privilege } from '../privilege.js';
import { encodeSelRecord } from '../sel-records.js';
import { commandTable, CompletionCode, fail, NetFn, nextReservation, ok, readRecord, type CommandContext, type CommandHandler, type Reply } from './command.js';

/** Storage commands (IPMI v2.0 §34 FRU, §33 SDR, §31 SEL). */

const RECORD_VERSION = 0x51;
const SEL_RECORD_BYTES = 16;
const NEVER = 0xffffffff;
const stamp = (ms: number | undefined): number[] => u32(ms === undefined ? NEVER : ipmiTimestamp(ms));

function fruAreaInfo(ctx: CommandContext, data: Uint8Array): Reply {
  if (data[0] !== 0) return fail(CompletionCode.notPresent);
  return ok([...u16(ctx.fru.length), 0x00]); // accessed by bytes
}

function readFru(ctx: CommandContext, data: Uint8Array): Reply {
  if (data[0] !== 0) return fail(CompletionCode.notPresent);
  const offset = data[1]! | (data[2]! << 8);
  if (offset >= ctx.fru.length) return fail(CompletionCode.parameterOutOfRange);
  const bytes = ctx.fru.subarray(offset, Math.min(ctx.fru.length, offset + data[3]!));
  return ok([bytes.length, ...bytes]);
}

function sdrInfo(ctx: CommandContext): Reply {
  // No free space (read-only repository); non-modal updates; reserve supported.
  return ok([RECORD_VERSION, ...u16(ctx.sdr.records.length), 0x00, 0x00, ...stamp(undefined), ...stamp(undefined), 0x22]);
}

function reserveSdr(ctx: CommandContext): Reply {
  ctx.memory.sdrReservation = nextReservation(ctx.memory.sdrReservation);
  return ok(u16(ctx.memory.sdrReservation));
}

function getSdr(ctx: CommandContext, data: Uint8Array): Reply {
  return readRecord(ctx.sdr.records.map((bytes, i) => ({ id: i + 1, bytes })), data, ctx.memory.sdrReservation);
}

function selInfo(ctx: CommandContext): Reply {
  const info = ctx.server.eventLogInfo();
  const free = (info.capacity - info.count) * SEL_RECORD_BYTES;
  return ok([RECORD_VERSION, ...u16(info.count), ...u16(Math.min(0xffff, free)), ...stamp(info.lastAddMs), ...stamp(info.lastEraseMs), (info.overflowed ? 0x80 : 0) | 0x02]);
}

function selAllocationInfo(ctx: CommandContext): Reply {
  const info = ctx.server.eventLogInfo();
  const free = info.capacity - info.count;
  return ok([...u16(info.capacity), ...u16(SEL_RECORD_BYTES), ...u16(free), ...u16(free), SEL_RECORD_BYTES]);
}

function reserveSel(ctx: CommandContext): Reply {
  ctx.memory.selReservation = nextReservation(ctx.memory.selReservation);
  return ok(u16(ctx.memory.selReservation));
}

function getSelEntry(ctx: CommandContext, data: Uint8Array): Reply {
  return readRecord(ctx.server.eventLog.map((entry) => ({ id: entry.id, bytes: encodeSelRecord(entry, ctx.sdr) })), data, ctx.memory.selReservation);
}

function clearSel(ctx: CommandContext, data: Uint8Array): Reply {
  const reservation = data[0]! | (data[1]! << 8);
  if (reservation !== ctx.memory.selReservation || ctx.memory.selReservation === 0) return fail(CompletionCode.reservationInvalid);
  if (data[2] !== 0x43 || data[3] !== 0x4c || data[4] !== 0x52) return fail(CompletionCode.invalidDataField); // "CLR"
  if (data[5] === 0xaa) {
    ctx.server.clearEventLog();
    ctx.memory.selReservation = 0; // clearing cancels the reservation
  } else if (data[5] !== 0x00) {
    return fail(CompletionCode.invalidDataField);
  }
  return ok([0x01]); // erasure completed
}

export const STORAGE_COMMANDS: readonly CommandHandler[] = commandTable(NetFn.storage, [
  [0x10, 'Get FRU Inventory Area Info', Privilege.user, [1, 1], fruAreaInfo],
  [0x11, 'Read FRU Data', Privilege.user, [4, 4], readFru],
  [0x20, 'Get SDR Repository Info', Privilege.user, [0, 0], sdrInfo],
  [0x22, 'Reserve SDR Repository', Privilege.user, [0, 0], reserveSdr],
  [0x23, 'Get SDR', Privilege.user, [6, 6], getSdr],
  [0x40, 'Get SEL Info', Privilege.user, [0, 0], selInfo],
  [0x41, 'Get SEL Allocation Info', Privilege.user, [0, 0], selAllocationInfo],
  [0x42, 'Reserve SEL', Privilege.user, [0, 0], reserveSel],
  [0x43, 'Get SEL Entry', Privilege.user, [6, 6], getSelEntry],
  [0x47, 'Clear SEL', Privilege.operator, [6, 6], clearSel],
  [0x48, 'Get SEL Time', Privilege.user, [0, 0], (ctx) => ok(u32(ipmiTimestamp(ctx.nowMs)))],
]);
