import { ConflictError } from './store.js';

/**
 * Runs a read-decide-commit step again when its compare-and-set lost to
 * another writer (the provisioner, an operator, the annealer), a bounded
 * number of times; any other error, or the last conflict, goes to the caller.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= maxAttempts) throw error;
    }
  }
}
