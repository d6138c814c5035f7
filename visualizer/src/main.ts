import { OrchestratorClient, ServerCallError, TwinClient } from './clients.js';
import { ResumingStream } from './connection.js';
import { describeData } from './describe.js';
import { byId } from './dom.js';
import { EventLog } from './event-log.js';
import { FAULT_VISIBLE_MS } from './faults.js';
import { FilterSyntaxError, parseFilter } from './filter.js';
import { layoutTopology, type Box } from './layout.js';
import { renderPanel } from './panel.js';
import { applyTwinEvent } from './physical.js';
import { createProbe } from './probe.js';
import { Renderer } from './renderer.js';
import { Replay } from './replay.js';
import { Scene } from './scene.js';
import { readSettings, rememberToken } from './settings.js';
import { renderLegend, showBadge, showProblem } from './status.js';
import { parseTrace } from './trace.js';
import type { OrchestratorEvent, OrchestratorInventory, TwinEvent } from './wire.js';

/** Room above the matches for their rack's name. */
const LABEL_ROOM_PX = 18;

function boundsOf(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y)) - LABEL_ROOM_PX;
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
}

/**
 * The page: loads the twin's layout and state, draws it, follows the twin's and
 * the orchestrator's event streams, and wires search, the side panel, the
 * event log and trace replay.
 */

async function start(): Promise<void> {
  const settings = readSettings();
  if (!settings.twinUrl) {
    showProblem('No twin to show: open the address `drill up` printed (it ends in #twin=…).');
    return;
  }
  const twin = new TwinClient(settings.twinUrl);
  showBadge('twin', 'connecting', settings.twinUrl);
  const topology = await twin.topology();
  const scene = new Scene(layoutTopology(topology));
  const snapshot = await twin.servers();
  for (const state of snapshot.servers) scene.setPhysical(state);
  byId('site-name').textContent = topology.name;
  byId('site-size').textContent = `${scene.layout.racks.length} racks · ${scene.layout.servers.length.toLocaleString('en')} servers`;

  const mapHost = byId('map');
  const panelHost = byId('panel');
  let panelQueued = false;
  /** The selected node's inventory (or why it could not be read), read from the orchestrator when it is selected. */
  let inventory: { readonly node: string; readonly value: OrchestratorInventory | string } | undefined;
  const refreshPanel = (): void => {
    if (panelQueued) return;
    panelQueued = true;
    requestAnimationFrame(() => {
      panelQueued = false;
      const selected = scene.selected === undefined ? undefined : scene.box(scene.selected).server.name;
      renderPanel(panelHost, scene, scene.selected, inventory?.node === selected ? inventory?.value : undefined);
    });
  };
  let orchestrator: OrchestratorClient | undefined;
  const select = (index: number | undefined): void => {
    scene.select(index);
    refreshPanel();
    const name = index === undefined ? undefined : scene.box(index).server.name;
    if (name === undefined || !orchestrator || !scene.nodeOf(index!)?.lifecycle || mode !== 'live') return;
    orchestrator.inventory(name).then(
      (value) => {
        inventory = { node: name, value };
        refreshPanel();
      },
      (error: unknown) => {
        inventory = { node: name, value: error instanceof Error ? error.message : String(error) };
        refreshPanel();
      },
    );
  };
  let mode: 'live' | 'replay' = 'live';
  let replay: Replay | undefined;
  const now = (): number => (mode === 'replay' && replay ? replay.playhead : Date.now());
  const renderer = new Renderer(mapHost, scene, select, now);
  // Fault markers fade by time, not by events: repaint while any is showing.
  window.setInterval(() => {
    const nowMs = now();
    const showing = scene.layout.servers.some((_, i) => {
      const at = scene.physicalOf(i).lastFault?.atMs;
      return at !== undefined && nowMs - at <= FAULT_VISIBLE_MS + 1_000;
    });
    if (showing) scene.invalidate();
  }, 1_000);
  renderPanel(panelHost, scene, undefined);
  renderLegend(scene);
  // Recount at most four times a second, and only after something was painted.
  let legendPaints = renderer.paints;
  window.setInterval(() => {
    if (renderer.paints === legendPaints) return;
    legendPaints = renderer.paints;
    renderLegend(scene);
  }, 250);

  const log = new EventLog(byId('log'), (index) => replay?.jump(index));

  const twinStream = new ResumingStream<TwinEvent>({
    url: (after) => twin.eventsUrl(after),
    afterSeq: snapshot.seq,
    onEvent: (event) => {
      if (mode !== 'live') return;
      const i = scene.indexOf(event.server);
      if (i === undefined) return;
      const before = scene.physicalOf(i);
      const after = applyTwinEvent(before, event);
      if (after !== before) scene.setPhysical(after, event.atMs);
      log.add({ atMs: event.atMs, source: 'twin', subject: event.server, text: describeData(event.type, event.data) });
      if (scene.selected === i) refreshPanel();
    },
    onState: (state, detail) => showBadge('twin', state, detail),
    onGap: () => void reloadTwin(),
  });
  /** Re-reads every server and resumes the stream from there; retries while the twin does not answer. */
  const reloadTwin = async (): Promise<void> => {
    try {
      const fresh = await twin.servers();
      for (const state of fresh.servers) scene.setPhysical(state);
      twinStream.resume(fresh.seq);
      refreshPanel();
    } catch (error) {
      showBadge('twin', 'reconnecting', error instanceof Error ? error.message : String(error));
      window.setTimeout(() => void reloadTwin(), 2_000);
    }
  };

  let orchStream: ResumingStream<OrchestratorEvent> | undefined;
  let refreshOrchestrator: () => void = () => undefined;
  const connectOrchestrator = async (token: string): Promise<void> => {
    orchStream?.close();
    const client = new OrchestratorClient(location.origin, token);
    let latest: number;
    try {
      latest = await client.latestSeq();
    } catch (error) {
      const unauthorized = error instanceof ServerCallError && error.code === 'UNAUTHORIZED';
      showBadge('orch', unauthorized ? 'unauthorized' : 'error', error instanceof Error ? error.message : String(error));
      byId('token-form').hidden = false;
      return;
    }
    rememberToken(token);
    orchestrator = client;
    byId('token-form').hidden = true;
    const load = async (): Promise<void> => {
      const [nodes, roles] = await Promise.all([client.nodes(), client.nodeRoles()]);
      if (mode === 'live') scene.setOrchestrator(nodes, roles);
      refreshPanel();
    };
    // At most one read in flight and one queued: a busy stream costs a read every 200 ms, not one per event.
    let scheduled = false;
    let reading: Promise<void> = Promise.resolve();
    refreshOrchestrator = () => {
      if (scheduled) return;
      scheduled = true;
      window.setTimeout(() => {
        reading = reading.then(() => {
          scheduled = false;
          return load().catch((error: unknown) => showBadge('orch', 'error', error instanceof Error ? error.message : String(error)));
        });
      }, 200);
    };
    await load();
    orchStream = new ResumingStream<OrchestratorEvent>({
      url: (after) => client.eventsUrl(after),
      protocols: client.streamProtocols,
      // Recent history fills the log; the snapshot above already holds its effects.
      afterSeq: Math.max(0, latest - 100),
      onEvent: (event) => {
        // Replay shows the trace alone; going live again re-reads the orchestrator.
        if (mode !== 'live') return;
        log.add({ atMs: event.atMs, source: 'orchestrator', subject: event.subject, text: describeData(event.type, event.data) });
        refreshOrchestrator();
      },
      onState: (state, detail) => showBadge('orch', state, detail),
    });
  };
  if (settings.token) await connectOrchestrator(settings.token);
  else {
    showBadge('orch', 'no token', 'enter the API token drill printed');
    byId('token-form').hidden = false;
  }
  byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = byId<HTMLInputElement>('token-input').value.trim();
    if (value) void connectOrchestrator(value);
  });

  const search = byId<HTMLInputElement>('search');
  const applySearch = (): void => {
    try {
      const count = scene.setFilter(search.value.trim() === '' ? undefined : parseFilter(search.value));
      search.classList.remove('invalid');
      search.title = '';
      byId('search-count').textContent = search.value.trim() === '' ? '' : `${count.toLocaleString('en')} match`;
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      search.classList.add('invalid');
      search.title = error.message;
      byId('search-count').textContent = error.message;
    }
  };
  search.addEventListener('input', applySearch);
  search.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    const matching = scene.layout.servers.filter((_, i) => scene.matches[i] === 1);
    const bounds = boundsOf(matching);
    if (bounds && matching.length < scene.layout.servers.length) renderer.fit(bounds, 600);
    if (matching.length === 1) select(scene.indexOf(matching[0]!.server.name));
  });
  byId('fit').addEventListener('click', () => renderer.fit(undefined, 500));

  // Replay: a trace loaded from a file or from #trace=URL, scrubbed on the timeline.
  const play = byId<HTMLButtonElement>('play');
  const scrub = byId<HTMLInputElement>('scrub');
  const position = byId('position');
  const setMode = (next: 'live' | 'replay'): void => {
    mode = next;
    document.body.dataset.mode = next;
    byId('mode-live').classList.toggle('active', next === 'live');
    byId('mode-replay').classList.toggle('active', next === 'replay');
    if (next === 'live') {
      replay?.stop();
      replay = undefined;
      log.clear();
      position.textContent = 'live';
      void reloadTwin();
      refreshOrchestrator();
    }
  };
  const loadTrace = (text: string, label: string): void => {
    try {
      const entries = parseTrace(text);
      replay?.stop();
      setMode('replay');
      // A trace is the twin's record of a run: today's orchestrator state is no part of it.
      scene.setOrchestrator([], []);
      scrub.max = String(Math.max(0, entries.length - 1));
      byId('trace-name').textContent = `${label} · ${entries.length} events`;
      replay = new Replay(entries, {
        scene,
        showLog: (lines, current) => log.show(lines, current),
        showPosition: (current, tMs, playing) => {
          scrub.value = String(Math.max(0, current));
          position.textContent = current < 0 ? `start / ${entries.length}` : `#${current} / ${entries.length} · +${(tMs / 1000).toFixed(2)}s`;
          play.textContent = playing ? 'pause' : 'play';
          if (scene.selected !== undefined) refreshPanel();
        },
      });
      replay.setSpeed(Number(byId<HTMLSelectElement>('speed').value));
      showProblem(undefined);
    } catch (error) {
      showProblem(error instanceof Error ? error.message : String(error));
    }
  };
  byId<HTMLInputElement>('trace-file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void file.text().then((text) => loadTrace(text, file.name));
  });
  play.addEventListener('click', () => replay?.toggle());
  scrub.addEventListener('input', () => replay?.jump(Number(scrub.value)));
  byId<HTMLSelectElement>('speed').addEventListener('change', (event) => replay?.setSpeed(Number((event.target as HTMLSelectElement).value)));
  byId('mode-live').addEventListener('click', () => setMode('live'));
  byId('mode-replay').addEventListener('click', () => byId<HTMLInputElement>('trace-file').click());
  if (settings.traceUrl) {
    const response = await fetch(settings.traceUrl);
    loadTrace(await response.text(), settings.traceUrl.split('/').pop() ?? 'trace');
  }

  window.drillVisualizer = createProbe(scene, renderer, mapHost, () => {
    twinStream.drop();
    orchStream?.drop();
  });
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  showBadge('twin', 'error', String(error));
  showProblem(error instanceof Error ? error.message : String(error));
});
