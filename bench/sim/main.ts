/**
 * Simulation kernel benchmark: how fast virtual time runs and how many HTTP
 * exchanges the in-process network carries. Prints figures; asserts nothing.
 *
 *   npm run bench:sim            (or: node dist/bench/sim/main.js --quick)
 */
import http from 'node:http';
import { InProcessHttpNetwork, SeededRandom, VirtualClock } from '../../sim/index.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;

interface Figure {
  name: string;
  count: number;
  seconds: number;
  unit: string;
  target?: number;
}

const figures: Figure[] = [];

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Best of `rounds`, so one garbage collection does not decide the figure. */
async function measure(name: string, unit: string, count: number, run: () => Promise<void>, target?: number, rounds = 3): Promise<void> {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    await run();
    best = Math.min(best, seconds(started));
  }
  figures.push({ name, count, seconds: best, unit, ...(target === undefined ? {} : { target }) });
}

/** N independent timers at seeded times, then run to idle. */
async function scatteredTimers(count: number): Promise<void> {
  const clock = new VirtualClock();
  const random = new SeededRandom(1);
  let fired = 0;
  const tick = (): void => void fired++;
  for (let i = 0; i < count; i++) clock.setTimeout(tick, random.int(0, 3_600_000));
  await clock.runUntilIdle();
  if (fired !== count) throw new Error(`expected ${count} timers, ${fired} fired`);
}

/** A steady population of `pending` timers: each one that fires schedules a successor, until `count` have fired. */
async function steadyTimers(count: number, pending: number): Promise<void> {
  const clock = new VirtualClock();
  const random = new SeededRandom(4);
  let fired = 0;
  let scheduled = pending;
  const tick = (): void => {
    fired++;
    if (scheduled < count) {
      scheduled++;
      clock.setTimeout(tick, random.int(1, 60_000));
    }
  };
  for (let i = 0; i < pending; i++) clock.setTimeout(tick, random.int(0, 60_000));
  await clock.runUntilIdle();
  if (fired !== count) throw new Error(`expected ${count} timers, ${fired} fired`);
}

/** 1,000 actors each sleeping in a loop: the shape of retry loops and pollers. */
async function sleepingActors(totalSleeps: number): Promise<void> {
  const clock = new VirtualClock();
  const random = new SeededRandom(2);
  const actors = 1_000;
  const perActor = totalSleeps / actors;
  let done = 0;
  for (let a = 0; a < actors; a++) {
    const r = random.fork(`actor:${a}`);
    void (async () => {
      for (let i = 0; i < perActor; i++) await clock.sleep(r.int(1, 5_000));
      done++;
    })();
  }
  await clock.runUntilIdle();
  if (done !== actors) throw new Error(`expected ${actors} actors to finish, ${done} did`);
}

/** Round trips through the in-process network, `concurrency` at a time. */
async function httpRoundTrips(count: number, concurrency: number, client: 'fetch' | 'http'): Promise<void> {
  const network = InProcessHttpNetwork.attach({ clock: new VirtualClock(), random: new SeededRandom(3) });
  try {
    network.listen('127.1.1.1:80', () => Response.json({ PowerState: 'On' }));
    let issued = 0;
    const one = client === 'fetch' ? fetchOnce : httpOnce;
    const worker = async (): Promise<void> => {
      while (issued < count) {
        issued++;
        await one();
      }
    };
    // No latency is injected, so the exchanges need no virtual time: this measures the network alone.
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    network.dispose();
  }
}

async function fetchOnce(): Promise<void> {
  const response = await fetch('http://127.1.1.1/redfish/v1/Systems/1');
  await response.json();
}

function httpOnce(): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get('http://127.1.1.1/redfish/v1/Systems/1', (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

const timerCount = Math.round(1_000_000 * scale);
await measure('virtual clock: all timers scheduled up front', 'timer events', timerCount, () => scatteredTimers(timerCount), 1_000_000);
await measure('virtual clock: 10k timers pending, steady', 'timer events', timerCount, () => steadyTimers(timerCount, 10_000), 1_000_000);
await measure('virtual clock: sleep loops (1,000 actors)', 'timer events', timerCount, () => sleepingActors(timerCount), 1_000_000);
const exchanges = Math.round(20_000 * scale);
await measure('in-process HTTP: fetch, 1 at a time', 'round trips', exchanges, () => httpRoundTrips(exchanges, 1, 'fetch'), 20_000);
await measure('in-process HTTP: fetch, 64 concurrent', 'round trips', exchanges, () => httpRoundTrips(exchanges, 64, 'fetch'), 20_000);
await measure('in-process HTTP: http.get, 64 concurrent', 'round trips', exchanges, () => httpRoundTrips(exchanges, 64, 'http'), 20_000);

const cpus = (await import('node:os')).cpus();
process.stdout.write(`drill bench sim — node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}${quick ? ' (quick)' : ''}\n\n`);
process.stdout.write(`${'benchmark'.padEnd(46)}${'count'.padStart(10)}${'seconds'.padStart(10)}${'per second'.padStart(14)}  target\n`);
for (const f of figures) {
  const rate = f.count / f.seconds;
  const target = f.target === undefined ? '' : `${rate >= f.target ? '≥' : '<'} ${f.target.toLocaleString('en-US')} ${rate >= f.target ? 'met' : 'MISSED'}`;
  process.stdout.write(
    `${f.name.padEnd(46)}${f.count.toLocaleString('en-US').padStart(10)}${f.seconds.toFixed(3).padStart(10)}${Math.round(rate).toLocaleString('en-US').padStart(14)}  ${target}\n`,
  );
}
