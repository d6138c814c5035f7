/**
 * How a BMC operation failed, in the terms that decide what to do next:
 * fix the credentials, check the network, use another protocol, wait, or fix
 * the request. `retryable` says whether trying again as-is can help.
 */
export type BmcErrorCode = 'BMC_AUTH' | 'BMC_UNREACHABLE' | 'BMC_UNSUPPORTED' | 'BMC_BUSY' | 'BMC_BAD_REQUEST' | 'BMC_PROTOCOL';

export class BmcError extends Error {
  override name = 'BmcError';
  constructor(
    readonly code: BmcErrorCode,
    /** The BMC, as `host:port`. */
    readonly bmc: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wrong user name, password or privilege: retrying cannot help. */
export class BmcAuthError extends BmcError {
  override name = 'BmcAuthError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_AUTH', bmc, message, false, options);
  }
}

/** No answer within the retries: the BMC is down, or the network is. */
export class BmcUnreachableError extends BmcError {
  override name = 'BmcUnreachableError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_UNREACHABLE', bmc, message, true, options);
  }
}

/** The BMC (or this driver) cannot do that: a capability, command or cipher suite it lacks. */
export class NotSupportedError extends BmcError {
  override name = 'NotSupportedError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_UNSUPPORTED', bmc, message, false, options);
  }
}

/** The BMC is busy (sessions exhausted, node busy): retry later. */
export class BmcBusyError extends BmcError {
  override name = 'BmcBusyError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_BUSY', bmc, message, true, options);
  }
}

/** The BMC refused the request itself; its own message is kept. */
export class BmcBadRequestError extends BmcError {
  override name = 'BmcBadRequestError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_BAD_REQUEST', bmc, message, false, options);
  }
}

/** The BMC answered something the protocol does not allow. */
export class BmcProtocolError extends BmcError {
  override name = 'BmcProtocolError';
  constructor(bmc: string, message: string, options?: { cause?: unknown }) {
    super('BMC_PROTOCOL', bmc, message, true, options);
  }
}
