/**
 * HTTP answers to typed BMC errors. Messages read `Failed to <what>: <reason>`
 * and carry the BMC's own `@Message.ExtendedInfo` text.
 */
import {
  BmcAuthError,
  BmcBadRequestError,
  BmcBusyError,
  BmcProtocolError,
  BmcUnreachableError,
  NotSupportedError,
  type BmcError,
} from '../errors.js';
import { bmcMessages, messageLine, type Json, type RedfishMessage } from './payload.js';


export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed body; `undefined` when empty or not JSON (then `text` has it). */
  readonly body: Json | undefined;
  readonly text: string;
  readonly method: string;
  readonly path: string;
}

/** The reply's JSON; a non-empty body that is not JSON is a protocol error. */
export function replyJson(bmc: string, reply: Reply, what: string): Json | undefined {
  if (reply.body === undefined && reply.text.trim() !== '') {
    throw new BmcProtocolError(bmc, `Failed to ${what}: ${reply.method} ${reply.path} answered ${reply.status} with a body that is not JSON (${reply.text.slice(0, 60).replace(/\s+/g, ' ')}…)`);
  }
  return reply.body;
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

export function replyMessages(reply: Reply): RedfishMessage[] {
  return bmcMessages(reply.body);
}

/** "Busy for a moment" answers some BMCs give with a 400 (iLO "invalid for current system state" / ResourceInUse: field note 17) or 409 (iDRAC10: FN 11). */
export function isStateConflict(reply: Reply): boolean {
  if (reply.status === 409) return true;
  if (reply.status !== 400) return false;
  return replyMessages(reply).some((m) => /current system state|not ready|in progress|in transition|try again|ResourceInUse|ActionParameterValueConflict/i.test(`${m.id ?? ''} ${m.text}`));
}

/** Session-pool exhaustion, whatever status the BMC picked for it (field notes 22, 41). */
export function isSessionLimit(reply: Reply): boolean {
  if (reply.status === 503 || reply.status === 429) return true;
  const text = `${replyMessages(reply).map((m) => `${m.id ?? ''} ${m.text}`).join(' ')} ${reply.body === undefined ? reply.text.slice(0, 300) : ''}`;
  return /maximum (number of )?sessions|session limit|too many sessions|no (more )?sessions? available|SessionLimitExceeded/i.test(text);
}

export function classify(bmc: string, what: string, reply: Reply): BmcError {
  const messages = replyMessages(reply);
  const detail = messages.length > 0 ? messageLine(messages) : reply.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const reason = `${reply.status} on ${reply.method} ${reply.path}${detail === '' ? '' : ` — ${detail}`}`;
  const message = `Failed to ${what}: ${reason}`;
  const s = reply.status;
  // A feature behind a license (Supermicro SFT-DCMS-SINGLE) is not a credentials problem.
  if (messages.some((m) => /LicenseRequired/i.test(m.id ?? ''))) return new NotSupportedError(bmc, `${message} (install the license or use another path)`);
  if (s === 401 || s === 403) return new BmcAuthError(bmc, `${message} (check the user name, password and role)`);
  if (s === 405 || s === 501) return new NotSupportedError(bmc, message);
  if (s === 404 && reply.method !== 'GET' && reply.path.includes('/Actions/')) return new NotSupportedError(bmc, message);
  if (s === 409 || s === 412 || s === 429 || s === 503 || isStateConflict(reply)) return new BmcBusyError(bmc, message);
  if (s === 502 || s === 504) return new BmcUnreachableError(bmc, message);
  if (s >= 400 && s < 500) return new BmcBadRequestError(bmc, message);
  return new BmcProtocolError(bmc, s >= 500 ? message : `Failed to ${what}: unexpected ${reason}`);
}
