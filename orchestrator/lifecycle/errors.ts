/** Why tearing a node down (decommission, wipe) or building it up again (reprovision) stopped. */
export type TeardownErrorCode =
  | 'TEARDOWN_UNKNOWN_NODE'
  | 'TEARDOWN_NO_BMC'
  | 'TEARDOWN_NO_BOOT_SERVER'
  | 'TEARDOWN_WIPE_FAILED'
  | 'TEARDOWN_WIPE_TIMEOUT'
  | 'TEARDOWN_UNFINISHED'
  /** A decommission of a node whose wipe this orchestrator is still driving. */
  | 'TEARDOWN_UNDER_WAY'
  /** The orchestrator stopped (or is stopping) while a wipe was under way. */
  | 'TEARDOWN_STOPPED';

/** `message` reads `problem — fix`; `retryable` says whether running the same command again can help. */
export class TeardownError extends Error {
  override name = 'TeardownError';
  constructor(
    readonly code: TeardownErrorCode,
    readonly node: string,
    readonly problem: string,
    readonly fix: string,
    readonly retryable: boolean,
  ) {
    super(`${problem} — ${fix}`);
  }
}
