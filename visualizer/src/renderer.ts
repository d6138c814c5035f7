import type * as D3 from 'd3';
import { d3 } from './d3.js';
import { badgesOf } from './badges.js';
import { FAULT_STYLE, FAULT_VISIBLE_MS, faultPlace } from './faults.js';
import { UNIT_PX, type Box } from './layout.js';
import { LAYERS, LAYER_STYLE } from './lifecycle.js';
import type { Scene } from './scene.js';

const LAYER_COLOURS = LAYERS.map((l) => LAYER_STYLE[l].colour);
const BACKGROUND = '#0d1117';
const RACK_FILL = '#161c26';
const SWITCH_FILL = '#26415f';
/** Below this zoom rack names would overlap: only rows and sites are labelled. */
const RACK_LABEL_ZOOM = 0.9;
/** From this zoom a server is tall enough for its name (3.2-unit text is then 7 px or more). */
const SERVER_TEXT_ZOOM = 2.2;
const MAX_LATENCY_SAMPLES = 20_000;
/** Servers the search leaves out stay in place, faint. */
const FADED_ALPHA = 0.14;
/** Names inside servers and switches, in world units: 3.2 of a 6-unit rack unit. */
const LABEL_FONT = '3.2px ui-monospace, SFMono-Regular, Menlo, monospace';

/**
 * Draws a scene: servers, switches and links on a canvas (thousands of boxes,
 * repainted only when something changed), rack outlines and labels in SVG on
 * top (few elements, crisp text), with d3-zoom's pan and zoom driving both.
 * Counts frames and how long changes took to reach the screen.
 */
export class Renderer {
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly svg: D3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly world: D3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly labels: D3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoom: D3.ZoomBehavior<HTMLElement, unknown>;
  private transform = d3.zoomIdentity;
  /** Until the user pans or zooms, a resize refits the whole site. */
  private userMoved = false;
  private width = 0;
  private height = 0;
  /** Frames the browser showed (requestAnimationFrame callbacks), painted or not. */
  frames = 0;
  /** Frames in which the scene was painted. */
  paints = 0;
  /** Event-to-pixel ages of painted changes, in ms. */
  readonly latenciesMs: number[] = [];
  firstPaintAtMs: number | undefined;

  constructor(
    private readonly host: HTMLElement,
    private readonly scene: Scene,
    private readonly onSelect: (index: number | undefined) => void,
    /** The time fault markers age against: the wall clock live, the playhead in replay. */
    private readonly now: () => number,
  ) {
    this.canvas = document.createElement('canvas');
    const context = this.canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('Failed to draw the datacenter: this browser gives no 2D canvas');
    this.context = context;
    host.append(this.canvas);
    this.svg = d3.select(host).append('svg').attr('class', 'overlay');
    this.world = this.svg.append('g').attr('class', 'world');
    this.labels = this.svg.append('g').attr('class', 'labels');
    this.zoom = d3
      .zoom<HTMLElement, unknown>()
      .scaleExtent([0.05, 40])
      .on('zoom', (event: D3.D3ZoomEvent<HTMLElement, unknown>) => {
        if (event.sourceEvent) this.userMoved = true;
        this.transform = event.transform;
        this.placeOverlay();
        this.scene.invalidate();
      });
    d3.select(host).call(this.zoom).on('dblclick.zoom', null);
    host.addEventListener('click', (event) => this.onSelect(this.hit(event.offsetX, event.offsetY)));
    new ResizeObserver(() => this.resize()).observe(host);
    this.drawOverlay();
    this.resize();
    const loop = (): void => {
      this.frames++;
      this.paintIfDirty();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  /** The SVG layer: rack outlines (they scale with the world) and labels (placed in screen space, fixed size). */
  private drawOverlay(): void {
    const { racks, labels } = this.scene.layout;
    this.world
      .selectAll('rect.rack')
      .data(racks)
      .join('rect')
      .attr('class', 'rack')
      .attr('data-rack', (r) => r.rack.name)
      .attr('x', (r) => r.x)
      .attr('y', (r) => r.y)
      .attr('width', (r) => r.w)
      .attr('height', (r) => r.h);
    this.labels
      .selectAll('text')
      .data(labels)
      .join('text')
      .attr('class', (l) => `label ${l.kind}`)
      .text((l) => l.text);
  }

  /** Zooms to show `box` (world units) whole, or the whole layout. */
  fit(box?: Box, durationMs = 0): void {
    const { width, height } = this.scene.layout;
    const target = box ?? { x: 0, y: 0, w: width, h: height };
    const margin = 24;
    const k = Math.min((this.width - 2 * margin) / Math.max(target.w, 1), (this.height - 2 * margin) / Math.max(target.h, 1), 40);
    const t = d3.zoomIdentity.translate(this.width / 2 - k * (target.x + target.w / 2), this.height / 2 - k * (target.y + target.h / 2)).scale(k);
    const host = d3.select(this.host);
    if (durationMs > 0) host.transition().duration(durationMs).call(this.zoom.transform, t);
    else host.call(this.zoom.transform, t);
  }

  /** Where server `index` is on screen, in CSS pixels relative to the map. */
  screenBoxOf(index: number): Box {
    const box = this.scene.box(index);
    const t = this.transform;
    return { x: t.applyX(box.x), y: t.applyY(box.y), w: box.w * t.k, h: box.h * t.k };
  }

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.width = this.host.clientWidth;
    this.height = this.host.clientHeight;
    this.canvas.width = Math.max(1, Math.round(this.width * dpr));
    this.canvas.height = Math.max(1, Math.round(this.height * dpr));
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.svg.attr('width', this.width).attr('height', this.height);
    if (!this.userMoved) this.fit();
    this.scene.invalidate();
  }

  private placeOverlay(): void {
    const t = this.transform;
    this.world.attr('transform', t.toString());
    this.labels.attr('class', `labels${t.k < RACK_LABEL_ZOOM ? ' far' : ''}`);
    this.labels
      .selectAll<SVGTextElement, { x: number; y: number }>('text')
      .attr('x', (l) => t.applyX(l.x))
      .attr('y', (l) => t.applyY(l.y));
  }

  private hit(x: number, y: number): number | undefined {
    const wx = this.transform.invertX(x);
    const wy = this.transform.invertY(y);
    const servers = this.scene.layout.servers;
    for (let i = 0; i < servers.length; i++) {
      const b = servers[i]!;
      if (wx >= b.x && wx <= b.x + b.w && wy >= b.y && wy <= b.y + b.h) return i;
    }
    return undefined;
  }

  private paintIfDirty(): void {
    const { all, changed, happenedAtMs } = this.scene.takeDirty();
    if (all) this.paint();
    else if (changed.size > 0) this.paintChanged(changed);
    else return;
    this.paints++;
    const nowMs = performance.timeOrigin + performance.now();
    this.firstPaintAtMs ??= nowMs;
    for (const at of happenedAtMs) this.latenciesMs.push(nowMs - at);
    if (this.latenciesMs.length > MAX_LATENCY_SAMPLES) this.latenciesMs.splice(0, this.latenciesMs.length - MAX_LATENCY_SAMPLES);
  }

  /** The world rectangle on screen, to skip what is off it. */
  private viewport(): (b: Box) => boolean {
    const t = this.transform;
    const x0 = t.invertX(0);
    const x1 = t.invertX(this.width);
    const y0 = t.invertY(0);
    const y1 = t.invertY(this.height);
    return (b) => b.x + b.w >= x0 && b.x <= x1 && b.y + b.h >= y0 && b.y <= y1;
  }

  private worldTransform(): void {
    const dpr = window.devicePixelRatio || 1;
    const t = this.transform;
    this.context.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
  }

  private paint(): void {
    const ctx = this.context;
    const dpr = window.devicePixelRatio || 1;
    const t = this.transform;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.width, this.height);
    this.worldTransform();
    const visible = this.viewport();
    const { layout } = this.scene;

    ctx.strokeStyle = 'rgba(90, 140, 200, 0.07)';
    ctx.lineWidth = 1 / t.k;
    ctx.beginPath();
    for (const link of layout.links) {
      ctx.moveTo(link.x1, link.y1);
      ctx.lineTo(link.x2, link.y2);
    }
    ctx.stroke();

    ctx.fillStyle = RACK_FILL;
    for (const rack of layout.racks) if (visible(rack)) ctx.fillRect(rack.x, rack.y, rack.w, rack.h);

    ctx.fillStyle = SWITCH_FILL;
    for (const sw of layout.switches) if (visible(sw)) ctx.fillRect(sw.x, sw.y, sw.w, sw.h);

    this.paintAllServers(visible);
    const nowMs = this.now();
    for (let i = 0; i < layout.servers.length; i++) if (visible(layout.servers[i]!)) this.paintFault(i, nowMs);
    if (t.k >= SERVER_TEXT_ZOOM) {
      for (let i = 0; i < layout.servers.length; i++) if (visible(layout.servers[i]!)) this.paintText(i);
      ctx.fillStyle = '#b8cbe4';
      ctx.font = LABEL_FONT;
      ctx.textBaseline = 'middle';
      for (const sw of layout.switches) if (sw.switch.role === 'top-of-rack' && sw.h >= UNIT_PX - 1 && visible(sw)) ctx.fillText(sw.switch.name, sw.x + 1, sw.y + sw.h / 2);
    }
    this.paintSelection();
  }

  /** Only some servers changed colour: servers never overlap, so each is painted over in place. */
  private paintChanged(changed: ReadonlySet<number>): void {
    const ctx = this.context;
    const t = this.transform;
    this.worldTransform();
    const visible = this.viewport();
    // Cover the old colour's anti-aliased edge, without reaching the neighbours (1 world px apart).
    const edge = Math.min(0.5 / t.k, 0.45);
    for (const i of changed) {
      const b = this.scene.box(i);
      if (!visible(b)) continue;
      ctx.globalAlpha = 1;
      ctx.fillStyle = RACK_FILL;
      ctx.fillRect(b.x - edge, b.y - edge, b.w + 2 * edge, b.h + 2 * edge);
      ctx.globalAlpha = this.scene.matches[i] === 1 ? 1 : FADED_ALPHA;
      ctx.fillStyle = LAYER_COLOURS[this.scene.layers[i]!]!;
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.globalAlpha = 1;
      this.paintFault(i, this.now());
      if (t.k >= SERVER_TEXT_ZOOM) this.paintText(i);
    }
    if (this.scene.selected !== undefined && changed.has(this.scene.selected)) this.paintSelection();
  }

  /** A recent fault: a triangle in the server's top-right corner, coloured by where it struck. */
  private paintFault(i: number, nowMs: number): void {
    const fault = this.scene.physicalOf(i).lastFault;
    if (!fault || nowMs - fault.atMs > FAULT_VISIBLE_MS || fault.atMs > nowMs) return;
    const ctx = this.context;
    const b = this.scene.box(i);
    const size = Math.min(b.h, b.w / 3);
    ctx.fillStyle = FAULT_STYLE[faultPlace(fault.kind)].colour;
    ctx.beginPath();
    ctx.moveTo(b.x + b.w - size, b.y);
    ctx.lineTo(b.x + b.w, b.y);
    ctx.lineTo(b.x + b.w, b.y + size);
    ctx.closePath();
    ctx.fill();
  }

  private paintSelection(): void {
    const selected = this.scene.selected;
    if (selected === undefined) return;
    const ctx = this.context;
    const k = this.transform.k;
    const b = this.scene.box(selected);
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2 / k;
    ctx.strokeRect(b.x - 1 / k, b.y - 1 / k, b.w + 2 / k, b.h + 2 / k);
  }

  /** One path per colour (bucketed in one pass), matching servers solid and the filtered-out ones faded. */
  private paintAllServers(visible: (b: Box) => boolean): void {
    const ctx = this.context;
    const { layers, matches, layout } = this.scene;
    const servers = layout.servers;
    const buckets: number[][] = Array.from({ length: LAYER_COLOURS.length * 2 }, () => []);
    for (let i = 0; i < servers.length; i++) {
      if (visible(servers[i]!)) buckets[layers[i]! * 2 + (matches[i] === 1 ? 0 : 1)]!.push(i);
    }
    buckets.forEach((bucket, k) => {
      if (bucket.length === 0) return;
      ctx.globalAlpha = k % 2 === 0 ? 1 : FADED_ALPHA;
      ctx.fillStyle = LAYER_COLOURS[k >> 1]!;
      ctx.beginPath();
      for (const i of bucket) {
        const b = servers[i]!;
        ctx.rect(b.x, b.y, b.w, b.h);
      }
      ctx.fill();
    });
    ctx.globalAlpha = 1;
  }

  private paintText(i: number): void {
    const ctx = this.context;
    const b = this.scene.box(i);
    ctx.globalAlpha = this.scene.matches[i] === 1 ? 1 : FADED_ALPHA;
    ctx.font = LABEL_FONT;
    ctx.textBaseline = 'middle';
    // Dark text on the bright layers, light text on the dark "off".
    ctx.fillStyle = this.scene.layer(i) === 'off' ? 'rgba(214, 222, 234, 0.8)' : 'rgba(8, 12, 18, 0.85)';
    ctx.fillText(b.server.name, b.x + 1, b.y + b.h / 2);
    let right = b.x + b.w - 0.8;
    for (const badge of badgesOf(this.scene.rolesOf(i)).reverse()) {
      const w = ctx.measureText(badge.badge).width + 1;
      right -= w;
      ctx.fillStyle = 'rgba(8, 12, 18, 0.8)';
      ctx.fillRect(right, b.y + 0.4, w, b.h - 0.8);
      ctx.fillStyle = badge.colour;
      ctx.fillText(badge.badge, right + 0.5, b.y + b.h / 2);
      right -= 0.5;
    }
    ctx.globalAlpha = 1;
  }
}
