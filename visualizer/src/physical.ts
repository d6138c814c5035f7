import type { TwinEvent, TwinPhysicalState, TwinPower } from './wire.js';

const POWER_STATES: readonly string[] = ['Off', 'PoweringOn', 'On', 'PoweringOff'];

export function initialPhysical(name: string): TwinPhysicalState {
  return { name, power: 'Off', identify: false };
}

/** A server's physical state after one twin event (live from the observer or replayed from a trace). */
export function applyTwinEvent(state: TwinPhysicalState, event: TwinEvent): TwinPhysicalState {
  const { data } = event;
  const { stage: _stage, stageDetail: _detail, ...unstaged } = state;
  switch (event.type) {
    case 'stage':
      if (typeof data.stage !== 'string') return state;
      return { ...state, stage: data.stage, ...(typeof data.detail === 'string' ? { stageDetail: data.detail } : {}), changedAtMs: event.atMs };
    case 'power': {
      const to = String(data.to);
      if (!POWER_STATES.includes(to)) return state;
      // Losing power ends whatever boot stage the machine was in.
      return { ...(to === 'Off' ? unstaged : state), power: to as TwinPower, changedAtMs: event.atMs };
    }
    case 'booted': {
      const boot = data.boot as { device?: unknown } | undefined;
      return { ...unstaged, ...(typeof boot?.device === 'string' ? { bootDevice: boot.device } : {}), changedAtMs: event.atMs };
    }
    case 'fault':
      return { ...state, lastFault: { id: String(data.id), kind: String(data.kind), atMs: event.atMs } };
    case 'identify':
      return { ...state, identify: (data.identify as { on?: unknown } | undefined)?.on === true };
    default:
      return state;
  }
}
