/**
 * Fuzzing the driver's reading of BMC payloads: every operation, against a BMC
 * whose answers are the DMTF mockup with random JSON substituted (whole bodies,
 * single fields, error statuses with random bodies, non-JSON), must either
 * succeed or fail with a typed BmcError — never a TypeError, never a hang.
 *
 * Seed: printed at start; set DRILL_FC_SEED=<n> to pin it. On failure fast-check
 * prints `{ seed, path }`: replay with
 *   DRILL_FC_SEED=<seed> DRILL_FC_PATH=<path> npx vitest run test/orchestrator/drivers/redfish/fuzz.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock } from '../../../../sim/index.js';
import { BmcError, RedfishDriver } from '../../../../orchestrator/index.js';
import { HandlerTransport } from './support/handler-transport.js';
import { mockupHandler, type Handler } from './support/mockup-handler.js';

const seed = process.env['DRILL_FC_SEED'] !== undefined ? Number(process.env['DRILL_FC_SEED']) : Math.floor(Math.random() * 2 ** 31);
const path = process.env['DRILL_FC_PATH'];
const numRuns = Number(process.env['DRILL_FC_RUNS'] ?? 150);
const tally = { ok: 0, error: 0 };
console.log(`redfish fuzz: seed=${seed}${path === undefined ? '' : ` path=${path}`} (replay: DRILL_FC_SEED=${seed})`);

type Mutation =
  | { kind: 'original' }
  | { kind: 'body'; value: unknown }
  | { kind: 'field'; pick: number; value: unknown }
  | { kind: 'status'; status: number; value: unknown }
  | { kind: 'garbage'; text: string };

const json = fc.jsonValue({ maxDepth: 3 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'original' as const }) },
  { weight: 2, arbitrary: json.map((value) => ({ kind: 'body' as const, value })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('field' as const), pick: fc.nat(), value: json }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(202, 400, 401, 404, 409, 412, 428, 500, 503), value: json }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((text) => ({ kind: 'garbage' as const, text })) },
);

function mutating(original: Handler, plan: Mutation[]): Handler {
  let n = 0;
  return async (request) => {
    const m = plan[n++ % Math.max(plan.length, 1)] ?? { kind: 'original' };
    const real = await original(request);
    switch (m.kind) {
      case 'original':
        return real;
      case 'body':
        return Response.json(m.value);
      case 'status':
        return Response.json(m.value, { status: m.status });
      case 'garbage':
        return new Response(m.text, { status: 200 });
      case 'field': {
        const body = (await real.json().catch(() => ({}))) as Record<string, unknown>;
        const keys = Object.keys(body);
        if (keys.length > 0 && typeof body === 'object' && body !== null) body[keys[m.pick % keys.length]!] = m.value;
        return Response.json(body, { status: real.status });
      }
    }
  };
}

const OPERATIONS: ReadonlyArray<[string, (d: RedfishDriver) => Promise<unknown>]> = [
  ['probe', (d) => d.probe()],
  ['inventory', (d) => d.inventory()],
  ['powerState', (d) => d.powerState()],
  ['bootOverride', (d) => d.bootOverride()],
  ['bios', (d) => d.bios()],
  ['volumes', (d) => d.volumes()],
  ['virtualMedia', (d) => d.virtualMedia()],
  ['fru', (d) => d.fru()],
  ['power', (d) => d.power('ForceRestart')],
  ['setBootOverride', (d) => d.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' })],
  ['clearBootOverride', (d) => d.clearBootOverride()],
  ['setBiosPending', (d) => d.setBiosPending({ ProcTurboMode: 'Disabled' })],
];

describe('Redfish payload fuzzing', () => {
  it.each([['public-localstorage'], ['public-rackmount1']] as const)('never throws anything but a BmcError against a mutated %s', async (mockup) => {
    tally.ok = 0;
    tally.error = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 40 }), fc.constantFrom(...OPERATIONS), async (plan, [name, operation]) => {
        const clock = new VirtualClock();
        const driver = new RedfishDriver({
          endpoint: 'https://127.1.1.3',
          credentials: { username: 'admin', password: 'pw' },
          clock,
          random: new SeededRandom(seed),
          timeoutMs: 1_000,
          retryAttempts: 2,
          retryBaseDelayMs: 10,
          taskTimeoutMs: 5_000,
          transport: new HandlerTransport(mutating(mockupHandler(mockup), plan)),
          log: { warn: () => undefined },
        });
        let outcome: { error: unknown } | { value: unknown } | undefined;
        operation(driver).then(
          (value) => (outcome = { value }),
          (error: unknown) => (outcome = { error }),
        );
        await clock.runUntil(() => outcome !== undefined, { timeoutMs: 3_600_000 });
        if (outcome !== undefined && 'error' in outcome && !(outcome.error instanceof BmcError)) {
          throw new Error(`${name} threw a ${(outcome.error as Error)?.constructor?.name}: ${String((outcome.error as Error)?.stack ?? outcome.error)}`);
        }
        expect(outcome).toBeDefined();
        tally['error' in outcome! ? 'error' : 'ok']++;
      }),
      { seed, numRuns, ...(path === undefined ? {} : { path, endOnFailure: true }) },
    );
    if (process.env['DRILL_FC_RUNS'] !== undefined) console.log(`redfish fuzz ${mockup}: ${tally.ok} ok, ${tally.error} typed errors`);
  });
});
