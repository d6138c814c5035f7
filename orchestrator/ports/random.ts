/**
 * Randomness as the orchestrator sees it (retry jitter, tokens, session ids).
 * Production passes a CSPRNG; model fidelity a seeded, splittable stream.
 */
export interface Random {
  readonly path: string;
  /** An independent stream for one component, e.g. `driver:r1-s3`. */
  fork(label: string): Random;
  uint32(): number;
  float(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  bytes(length: number): Uint8Array;
}
