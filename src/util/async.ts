/** Resolves as `work` does, unless the time runs out or the signal aborts first. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number | undefined, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs !== undefined ? setTimeout(() => reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs) : undefined;
    const onAbort = () => reject(signal!.reason instanceof Error ? signal!.reason : new Error("interrupted"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
