import type { SimStore } from '../state/store.js';

/** Options of `waitFor`. */
export interface WaitOptions {
  /** Default 10,000 ms. */
  timeoutMs?: number;
  /** Re-check at least this often (time-based states such as `offline`); default 100 ms. */
  intervalMs?: number;
  /** For the timeout message. */
  description?: string;
  signal?: AbortSignal;
}

/** Resolves with `predicate`'s first truthy value, checked now, on every store change and on an interval. */
export function waitFor<T>(
  store: SimStore,
  predicate: () => T | undefined | null | false,
  options: WaitOptions,
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100, description = 'condition', signal } = options;
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearInterval(interval);
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    };
    const check = (): void => {
      let value: T | undefined | null | false;
      try {
        value = predicate();
      } catch (error) {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (value) {
        cleanup();
        resolve(value);
      }
    };
    const onAbort = (): void => {
      cleanup();
      reject(new Error(`waiting for ${description} was aborted`));
    };
    const unsubscribe = store.subscribe(check);
    const interval = setInterval(check, intervalMs);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
