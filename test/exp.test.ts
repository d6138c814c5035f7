import { test, expect } from 'vitest';
import http from 'node:http';
import { VirtualClock, SeededRandom, InProcessHttpNetwork, FaultPlan, FaultInjector, TraceRecorder, MemoryTraceSink } from '../sim/index.js';

test('exp', async () => {
  const clock = new VirtualClock();
  const random = new SeededRandom(1);
  const sink = new MemoryTraceSink();
  const trace = new TraceRecorder({ clock, sink });
  const faults = new FaultInjector({ plan: FaultPlan.parse({ faults: [{ target: 'bmc:drop', kind: 'drop' }, { target: 'bmc:slow', kind: 'latency', latencyMs: 100 }] }), clock, random, observer: trace });
  const net = InProcessHttpNetwork.attach({ clock, random, faults, trace });
  net.listen('127.1.1.1:443', async (req) => { await clock.sleep(5); return Response.json({ ok: true, url: req.url }); }, { name: 'bmc:a' });
  net.listen('127.1.1.2:443', () => Response.json({}), { name: 'bmc:drop' });
  net.listen('127.1.1.3:80', () => new Response('slow'), { name: 'bmc:slow' });
  const results: unknown[] = [];
  (async () => {
    const r = await fetch('https://127.1.1.1/redfish/v1');
    results.push(['fetch', clock.now() - 1767225600000, r.status, await r.json()]);
    const ac = new AbortController(); clock.setTimeout(() => ac.abort(new Error('timeout')), 1000);
    try { await fetch('https://127.1.1.2/x', { signal: ac.signal }); } catch (e) { results.push(['drop', clock.now() - 1767225600000, String(e)]); }
    try { await fetch('http://127.9.9.9/x'); } catch (e) { results.push(['refused', String(e), String((e as Error).cause)]); }
    const body = await new Promise<string>((resolve, reject) => {
      http.get('http://127.1.1.3/', (res) => { let d = ''; res.on('data', (c) => (d += c)); res.on('end', () => resolve(d)); }).on('error', reject);
    });
    results.push(['http', clock.now() - 1767225600000, body]);
    await new Promise<void>((resolve) => { http.get('http://127.9.9.9/', () => {}).on('error', (e) => { results.push(['http-refused', String(e), (e as any).code]); resolve(); }); });
  })();
  const n = await clock.runUntilIdle();
  console.log(n, results, sink.lines);
  net.dispose();
});
