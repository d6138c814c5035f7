import { BmcError } from '../drivers/errors.js';

/**
 * Why one BMC did not enroll, in the terms an operator acts on: fix the
 * password (auth), check the network or the address (unreachable), the BMC
 * speaks neither protocol as drill needs it (unsupported), try again later
 * (busy), or a bug to report (internal).
 */
export type EnrollFailureKind = 'auth' | 'unreachable' | 'unsupported' | 'busy' | 'internal';

export function failureKind(error: unknown): EnrollFailureKind {
  if (!(error instanceof BmcError)) return 'internal';
  switch (error.code) {
    case 'BMC_AUTH':
      return 'auth';
    case 'BMC_UNREACHABLE':
      return 'unreachable';
    case 'BMC_BUSY':
      return 'busy';
    case 'BMC_UNSUPPORTED':
    case 'BMC_PROTOCOL':
    case 'BMC_BAD_REQUEST':
      return 'unsupported';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
