/**
 * Errors raised by the digital twin. Every error carries a stable `code` so
 * callers and tests can tell failures apart without parsing messages.
 * Add codes and subclasses here as the twin grows.
 */
export type TwinErrorCode = 'INVALID_SPEC' | 'INVALID_CONFIG' | 'INVALID_STATE' | 'BOOT_SCRIPT' | 'UNREACHABLE' | 'STREAM_NOT_A_MESSAGE';

export class TwinError extends Error {
  override name = 'TwinError';
  constructor(
    readonly code: TwinErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One problem in a datacenter spec; `text` reads `path: problem — fix`. */
export interface SpecProblem {
  /** `sites[0].rows[1].racks[3].servers[7].flavour`, or `(spec)` for the file as a whole. */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
  /** 1-based position in the source text, when the problem can be placed there. */
  readonly line?: number;
  readonly column?: number;
  readonly text: string;
}

/** A spec that failed to load: nothing of it was used, and every problem is listed. */
export class InvalidSpecError extends TwinError {
  override name = 'InvalidSpecError';
  /** Each problem as `path: problem — fix`. */
  readonly problems: readonly string[];

  constructor(
    /** The file (or label) the spec came from. */
    readonly source: string,
    readonly details: readonly SpecProblem[],
  ) {
    const count = `${details.length} problem${details.length === 1 ? '' : 's'}`;
    super('INVALID_SPEC', `Failed to load datacenter spec ${source}: ${count}\n  ${details.map((d) => d.text).join('\n  ')}`);
    this.problems = details.map((d) => d.text);
  }
}

/** Bad configuration handed to a twin component in code: `<field>: <problem> — <fix>`. */
export class InvalidTwinConfigError extends TwinError {
  override name = 'InvalidTwinConfigError';
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/**
 * An action the simulated hardware refuses in its present state (a hard reset
 * while powered off). `subject` names the component, e.g. the server.
 */
export class TwinStateError extends TwinError {
  override name = 'TwinStateError';
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super('INVALID_STATE', message);
  }
}

/**
 * An iPXE script the twin's firmware cannot run: outside the subset of
 * docs/provisioning.md, or wrong within it. `line` is 1-based in the script
 * fetched from `source` (its URL).
 */
export class BootScriptError extends TwinError {
  override name = 'BootScriptError';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly problem: string,
    readonly fix: string,
  ) {
    super('BOOT_SCRIPT', `Failed to run the iPXE script from ${source}: line ${line}: ${problem} — ${fix}`);
  }
}
