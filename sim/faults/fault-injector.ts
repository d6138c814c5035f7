import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Disposable } from '../disposable.js';
import type { Random } from '../random/random.js';
import type { Fault, FaultKind, FaultPlan } from './fault-plan.js';
import { compileTargetPattern } from './target-pattern.js';

/** Where faults are reported as they strike (a trace recorder fits). */
export interface FaultObserver {
  record(source: string, type: string, data: Record<string, unknown>): void;
}

export interface FaultInjectorOptions {
  plan: FaultPlan;
  clock: Clock;
  /** Each fault draws its probability from its own fork, so faults never shift each other. */
  random: Random;
  observer?: FaultObserver;
}

export type FaultPhase = 'start' | 'end';

interface ArmedFault {
  /** Position in the plan: strikes are reported in plan order. */
  readonly index: number;
  readonly fault: Fault;
  readonly matches: (target: string) => boolean;
  readonly random: Random;
  spent: boolean;
}

/**
 * The run-time side of a fault plan: components ask it whether a fault strikes
 * them now. Times in the plan count from the moment the injector is created.
 */
export class FaultInjector {
  private readonly clock: Clock;
  private readonly originMs: number;
  private readonly armed: ArmedFault[];
  /** Faults aimed at one literal target, by target: a query looks at its own, not the whole plan. */
  private readonly byTarget = new Map<string, ArmedFault[]>();
  /** Faults whose target is a pattern (`bmc:*`): every query checks these. */
  private readonly patterns: ArmedFault[] = [];
  private readonly observer: FaultObserver | undefined;

  constructor(options: FaultInjectorOptions) {
    this.clock = options.clock;
    this.originMs = options.clock.now();
    this.observer = options.observer;
    this.armed = options.plan.faults.map((fault, index) => ({
      index,
      fault,
      matches: compileTargetPattern(fault.target),
      random: options.random.fork(`fault:${fault.id}`),
      spent: false,
    }));
    for (const entry of this.armed) {
      if (entry.fault.target.includes('*')) this.patterns.push(entry);
      else this.byTarget.set(entry.fault.target, [...(this.byTarget.get(entry.fault.target) ?? []), entry]);
    }
  }

  /** Milliseconds since the run began, the time base of the plan. */
  elapsedMs(): number {
    return this.clock.now() - this.originMs;
  }

  /**
   * Every fault of the given kinds striking `target` now, in plan order. Striking
   * spends a one-shot fault and draws its probability, so call it once per event.
   * `applies` narrows by params (the package a `package-fail` names) before
   * anything is spent or drawn, so a fault aimed at one package is not used up by another.
   */
  strikes(target: string, kinds?: readonly FaultKind[], applies?: (fault: Fault) => boolean): Fault[] {
    const t = this.elapsedMs();
    const out: Fault[] = [];
    const literal = this.byTarget.get(target) ?? [];
    const candidates = this.patterns.length === 0 ? literal : [...literal, ...this.patterns].sort((a, b) => a.index - b.index);
    for (const entry of candidates) {
      const { fault } = entry;
      if (entry.spent || (kinds && !kinds.includes(fault.kind)) || !entry.matches(target)) continue;
      if (applies && !applies(fault)) continue;
      if (!this.inTime(fault, t)) continue;
      if (fault.probability !== undefined && fault.probability < 1 && !entry.random.chance(fault.probability)) continue;
      if (fault.atMs !== undefined) entry.spent = true;
      this.observer?.record('faults', 'fault.strike', { id: fault.id, kind: fault.kind, target });
      out.push(fault);
    }
    return out;
  }

  /** The first fault of the given kinds striking `target` now, if any. */
  strike(target: string, kinds?: readonly FaultKind[], applies?: (fault: Fault) => boolean): Fault | undefined {
    return this.strikes(target, kinds, applies)[0];
  }

  /**
   * Calls `listener` on the clock when scheduled faults aimed at `pattern` begin
   * (`atMs`, `window.fromMs`) and end (`window.toMs`), for components that act
   * on their own (a node that crashes, a link that goes down). Probability does
   * not apply here: a scheduled fault is announced to whoever listens. A listener
   * that subscribes during a window hears its `start` at once; marks already past
   * (an earlier `atMs`, a window that has closed) are not announced.
   */
  onScheduled(pattern: string, listener: (fault: Fault, phase: FaultPhase) => void): Disposable {
    const wanted = compileTargetPattern(pattern);
    const handles: TimerHandle[] = [];
    const now = this.elapsedMs();
    for (const { fault, matches } of this.armed) {
      // Either side may be the pattern: a listener for node:r1-s3 hears node:*, and one for node:* hears node:r1-s3.
      if (!matches(pattern) && !wanted(fault.target)) continue;
      const marks: Array<[number, FaultPhase]> = [];
      if (fault.atMs !== undefined) marks.push([fault.atMs, 'start']);
      // A window already open when the listener subscribes starts for it at once, so every `end` follows a `start`.
      if (fault.window && fault.window.toMs > now) marks.push([Math.max(fault.window.fromMs, now), 'start'], [fault.window.toMs, 'end']);
      for (const [atMs, phase] of marks) {
        if (atMs < now) continue;
        handles.push(this.clock.setTimeout(() => listener(fault, phase), atMs - now));
      }
    }
    return { dispose: () => handles.forEach((h) => this.clock.clearTimeout(h)) };
  }

  private inTime(fault: Fault, t: number): boolean {
    if (fault.atMs !== undefined) return t >= fault.atMs;
    if (fault.window) return t >= fault.window.fromMs && t < fault.window.toMs;
    return true;
  }
}
