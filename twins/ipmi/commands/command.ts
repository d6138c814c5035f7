import type { SimulatedServer } from '../../server/index.js';
import type { CipherSuite } from '../cipher-suites.js';
import type { PrivilegeLevel, UserPrivilege } from '../privilege.js';
import type { SdrRepository } from '../sdr-repository.js';
import type { RmcpSession, SessionTable } from '../session-table.js';

/** Generic completion codes (IPMI v2.0 table 5-2) and the command-specific ones used here. */
export const CompletionCode = {
  ok: 0x00,
  /** Command-specific 80h: "parameter not supported" (boot options), "level not available" (privilege). */
  specific80: 0x80,
  specific81: 0x81,
  invalidSessionId: 0x87,
  invalidCommand: 0xc1,
  reservationInvalid: 0xc5,
  lengthInvalid: 0xc7,
  lengthExceeded: 0xc8,
  parameterOutOfRange: 0xc9,
  notPresent: 0xcb,
  invalidDataField: 0xcc,
  insufficientPrivilege: 0xd4,
  notInPresentState: 0xd5,
} as const;

export interface Reply {
  readonly cc: number;
  readonly data?: ArrayLike<number>;
}

export const ok = (data: ArrayLike<number> = []): Reply => ({ cc: CompletionCode.ok, data });
export const fail = (cc: number): Reply => ({ cc });

export interface ConfiguredUser {
  readonly name: string;
  readonly password: Uint8Array;
  readonly privilege: UserPrivilege;
}

/** What a BMC remembers between commands, beyond the server's own state. */
export interface BmcMemory {
  sdrReservation: number;
  selReservation: number;
  /** Boot option parameters kept as written (all but the boot flags' device and mode, which live on the server). */
  readonly bootParameters: Map<number, Uint8Array>;
}

export interface CommandContext {
  readonly server: SimulatedServer;
  readonly nowMs: number;
  /** User id n + 2 is users[n]; id 1 is the (disabled) null user. */
  readonly users: readonly ConfiguredUser[];
  readonly suites: readonly CipherSuite[];
  readonly sdr: SdrRepository;
  readonly fru: Uint8Array;
  readonly systemGuid: Uint8Array;
  readonly deviceGuid: Uint8Array;
  readonly memory: BmcMemory;
  /** Undefined for out-of-session requests. */
  readonly session: RmcpSession | undefined;
  readonly sessions: SessionTable;
}

export interface CommandHandler {
  readonly netFn: number;
  readonly cmd: number;
  readonly name: string;
  /** The session privilege the command needs; `none` allows it outside a session. */
  readonly privilege: PrivilegeLevel;
  /** Request data length: [min, max] bytes. */
  readonly length: readonly [number, number];
  handle(ctx: CommandContext, data: Uint8Array): Reply;
}

/** One row of a netfn's command table: cmd, name, privilege, [min, max] request length, handler. */
export type CommandRow = readonly [cmd: number, name: string, privilege: PrivilegeLevel, length: readonly [number, number], handle: CommandHandler['handle']];

export function commandTable(netFn: number, rows: readonly CommandRow[]): CommandHandler[] {
  return rows.map(([cmd, name, privilege, length, handle]) => ({ netFn, cmd, name, privilege, length, handle }));
}

export const NetFn = { chassis: 0x00, sensorEvent: 0x04, app: 0x06, storage: 0x0a } as const;

/** A fresh reservation id: 1…FFFFh, never 0. */
export function nextReservation(current: number): number {
  return current >= 0xffff ? 1 : current + 1;
}

/**
 * Picks a record by IPMI record id (0000h first, FFFFh last), then serves
 * `count` bytes from `offset` (FFh: to the end) with the next record id first,
 * as Get SDR and Get SEL Entry both do. A partial read needs the current reservation.
 */
export function readRecord(records: ReadonlyArray<{ readonly id: number; readonly bytes: Uint8Array }>, data: Uint8Array, reservation: number): Reply {
  const requestReservation = data[0]! | (data[1]! << 8);
  const requested = data[2]! | (data[3]! << 8);
  const offset = data[4]!;
  const count = data[5]!;
  if (offset !== 0 && requestReservation !== reservation) return fail(CompletionCode.reservationInvalid);
  const index = requested === 0x0000 ? 0 : requested === 0xffff ? records.length - 1 : records.findIndex((r) => r.id === requested);
  const record = records[index];
  if (!record) return fail(CompletionCode.notPresent);
  if (offset > record.bytes.length) return fail(CompletionCode.parameterOutOfRange);
  const end = count === 0xff ? record.bytes.length : Math.min(record.bytes.length, offset + count);
  const next = records[index + 1]?.id ?? 0xffff;
  return ok([next & 0xff, next >> 8, ...record.bytes.subarray(offset, end)]);
}
