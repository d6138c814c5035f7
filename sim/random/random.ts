/**
 * Randomness as the orchestrator and the twin see it. Production wires
 * `CryptoRandom`; model fidelity wires `SeededRandom`, where one seed
 * reproduces a run exactly.
 */
export interface Random {
  /** Where this stream sits in the fork tree, e.g. `twin/bmc:r1-s3` ('' at the root). */
  readonly path: string;
  /**
   * An independent stream named by `label`. It depends only on the seed and the
   * path, never on how many values anyone has drawn, so adding a consumer never
   * shifts another's draws. The same label gives the same stream.
   */
  fork(label: string): Random;
  /** A uniform integer in [0, 2^32). */
  uint32(): number;
  /** A uniform float in [0, 1) with 53 bits of precision. */
  float(): number;
  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p` (0 ≤ p ≤ 1). */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy; the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[];
  /** Exponentially distributed with the given mean (e.g. time between failures). */
  exponential(mean: number): number;
  /** Normally distributed (Box–Muller). */
  normal(mean?: number, stddev?: number): number;
  bytes(length: number): Uint8Array;
}
