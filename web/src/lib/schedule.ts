// Timing helpers: a debounce (workspace saves) and a coalescer that turns a burst of
// "these keys changed" notices into at most one flush per interval (live re-queries).

export interface Debounced {
  (): void;
  /** Run now if pending. */
  flush(): void;
  cancel(): void;
  pending(): boolean;
}

export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const d = (() => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  }) as Debounced;
  d.flush = () => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    fn();
  };
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  d.pending = () => timer !== null;
  return d;
}

export interface Coalescer<T> {
  add(items: Iterable<T>): void;
  /** Items waiting for the next flush. */
  size(): number;
  dispose(): void;
}

/** Collects items; calls `flush` with the distinct items at most once per `minInterval` ms
 * (leading edge after quiet periods, trailing edge during bursts). `now` and `schedule`
 * are injectable for tests. */
export function createCoalescer<T>(
  flush: (items: Set<T>) => void,
  minInterval = 250,
  now: () => number = () => Date.now(),
  schedule: (fn: () => void, ms: number) => unknown = (fn, ms) => setTimeout(fn, ms),
  cancel: (handle: unknown) => void = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
): Coalescer<T> {
  let pending = new Set<T>();
  let last = -Infinity;
  let handle: unknown = null;
  const fire = (): void => {
    handle = null;
    if (pending.size === 0) return;
    const items = pending;
    pending = new Set();
    last = now();
    flush(items);
  };
  return {
    add(items) {
      for (const it of items) pending.add(it);
      if (pending.size === 0 || handle !== null) return;
      const wait = Math.max(0, last + minInterval - now());
      handle = schedule(fire, wait);
    },
    size: () => pending.size,
    dispose() {
      if (handle !== null) cancel(handle);
      handle = null;
      pending.clear();
    },
  };
}
