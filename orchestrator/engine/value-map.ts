import type { Versioned } from '../store/index.js';

/**
 * A snapshot's records seen without their versions, for the annealer's view,
 * without copying: the tick reads a few entries of a 100,000-entry map, so a
 * copy per tick cost more than the lookups through this.
 */
export class ValueMap<T> implements ReadonlyMap<string, T> {
  constructor(private readonly records: ReadonlyMap<string, Versioned<T>>) {}

  get size(): number {
    return this.records.size;
  }

  get(key: string): T | undefined {
    return this.records.get(key)?.value;
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  entries(): MapIterator<[string, T]> {
    return mapped(this.records.entries(), ([key, record]) => [key, record.value]);
  }

  keys(): MapIterator<string> {
    return this.records.keys();
  }

  values(): MapIterator<T> {
    return mapped(this.records.values(), (record) => record.value);
  }

  forEach(callback: (value: T, key: string, map: ReadonlyMap<string, T>) => void): void {
    for (const [key, record] of this.records) callback(record.value, key, this);
  }

  [Symbol.iterator](): MapIterator<[string, T]> {
    return this.entries();
  }
}

/**
 * An iterator that maps another, written out by hand: the annealer walks every
 * record several times a tick, and a generator's per-step cost showed up as
 * the largest single item in its profile.
 */
function mapped<A, B>(inner: Iterator<A>, map: (a: A) => B): MapIterator<B> {
  const iterator = {
    next(): IteratorResult<B, undefined> {
      const step = inner.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: map(step.value) };
    },
    [Symbol.iterator]() {
      return iterator;
    },
  };
  return iterator as unknown as MapIterator<B>;
}
