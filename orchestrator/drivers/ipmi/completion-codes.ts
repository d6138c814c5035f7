/**
 * IPMI completion codes (IPMI v2.0 rev 1.1, Table 5-2) and the typed error
 * each becomes: C1h → NotSupportedError; C0h (node busy) and the "not now"
 * codes D0h–D2h → BmcBusyError; every other code → BmcBadRequestError with
 * the code in hex.
 */
import { BmcBadRequestError, BmcBusyError, NotSupportedError, type BmcError } from '../errors.js';
import { hex } from './bytes.js';

export const CC_OK = 0x00;
export const CC_NODE_BUSY = 0xc0;
export const CC_INVALID_COMMAND = 0xc1;
export const CC_RESERVATION_CANCELLED = 0xc5;
export const CC_CANNOT_RETURN_REQUESTED_BYTES = 0xca;
export const CC_NOT_PRESENT = 0xcb;

const MESSAGES: Readonly<Record<number, string>> = {
  0xc0: 'node busy',
  0xc1: 'invalid command',
  0xc2: 'command invalid for the given LUN',
  0xc3: 'timeout while processing the command',
  0xc4: 'out of space',
  0xc5: 'reservation cancelled or invalid',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return the number of requested data bytes',
  0xcb: 'requested sensor, data or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for the specified sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute a duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in the present state',
  0xd6: 'command sub-function disabled or unavailable',
  0xff: 'unspecified error',
};

const BUSY_CODES: ReadonlySet<number> = new Set([0xc0, 0xd0, 0xd1, 0xd2]);

export function completionCodeText(code: number): string {
  return `${MESSAGES[code] ?? (code >= 0x01 && code <= 0x7e ? 'command-specific error' : 'unknown completion code')} (completion code ${hex(code)})`;
}

/** The typed error for a non-zero completion code to `what` (e.g. `read FRU data`). */
export function completionCodeError(bmc: string, what: string, code: number): BmcError {
  const message = `Failed to ${what} on ${bmc}: the BMC answered ${completionCodeText(code)}`;
  if (code === CC_INVALID_COMMAND) return new NotSupportedError(bmc, message);
  if (BUSY_CODES.has(code)) return new BmcBusyError(bmc, message);
  return new BmcBadRequestError(bmc, message);
}
