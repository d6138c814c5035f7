/** Something that undoes a side effect (a listener, an interceptor, a socket). */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/**
 * Collects the undo of each side effect as it happens and runs them in reverse
 * order, so a half-built setup is torn down as cleanly as a whole one.
 */
export class DisposableStack implements Disposable {
  private readonly undo: Array<() => void | Promise<void>> = [];
  private disposed = false;

  defer(fn: () => void | Promise<void>): void {
    if (this.disposed) throw new Error('Failed to register cleanup: this stack is already disposed');
    this.undo.push(fn);
  }

  use<T extends Disposable>(resource: T): T {
    this.defer(() => resource.dispose());
    return resource;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const fn of this.undo.reverse()) {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Failed to dispose: several cleanups failed');
  }
}
