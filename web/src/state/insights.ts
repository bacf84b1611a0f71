// Findings of `GET .../insights?format=json` for the panels: one request per set of
// visible runs, without `key` (the server analyses up to 100 keys), split by metric here
// and cached per run set. Projects with more keys than one analysis covers ask for the
// missing keys of the panels that show them, in batches. Live points refresh the current
// set at most every LIVE_INTERVAL_MS. Panels read synchronously through `get` (which
// schedules what is missing) and re-read when notified.

import { getInsightFindings } from "../api/client";
import { byMetric, parseFindings, runResolver, runSetKey, type Finding, type RunRef } from "../lib/insightmarks";
import { createCoalescer, type Coalescer } from "../lib/schedule";

/** The server's limits per analysis. */
export const MAX_INSIGHT_RUNS = 50;
export const MAX_INSIGHT_KEYS = 100;
/** Live refreshes of the findings happen at most this often. */
export const LIVE_INTERVAL_MS = 5000;
/** Run sets kept in the cache. */
const CACHE_SIZE = 8;
/** Keep a keyed request's URL short. */
const MAX_KEY_CHARS = 4000;

export type ChartInsights =
  | { status: "ready"; findings: Finding[]; resolve: (label: string) => string | null }
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "off" };

interface Entry {
  ids: string[];
  resolve: (label: string) => string | null;
  metrics: Map<string, Finding[]> | null;
  /** The keyless answer covered every key of the project. */
  allKeys: boolean;
  /** Keys asked for explicitly (beyond the keyless answer). */
  asked: Set<string>;
  pendingKeys: Set<string>;
  loading: boolean;
  stale: boolean;
  error: string | null;
}

export interface InsightsStoreOptions {
  /** The visible runs, oldest first, with their names as stored. */
  runs: () => RunRef[];
  /** How many keys the project has (all covered by one analysis when ≤ MAX_INSIGHT_KEYS). */
  keyCount: () => number;
  fetch?: typeof getInsightFindings;
  liveInterval?: number;
}

/** Split keys into batches within the server's key limit and a sane URL length. */
export function keyBatches(keys: readonly string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let chars = 0;
  for (const k of keys) {
    const len = encodeURIComponent(k).length + 5;
    if (cur.length > 0 && (cur.length >= MAX_INSIGHT_KEYS || chars + len > MAX_KEY_CHARS)) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(k);
    chars += len;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export class InsightsStore {
  /** False once the server turned out to have no insights endpoint. */
  available: boolean | null = null;
  requests = 0;
  onRequest: ((count: number) => void) | null = null;
  private cache = new Map<string, Entry>();
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly live: Coalescer<string>;
  private readonly fetchFn: typeof getInsightFindings;
  private disposed = false;

  constructor(
    private readonly project: string,
    private readonly opts: InsightsStoreOptions,
  ) {
    this.fetchFn = opts.fetch ?? getInsightFindings;
    this.live = createCoalescer<string>(() => this.refresh(), opts.liveInterval ?? LIVE_INTERVAL_MS);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The runs an analysis covers: the visible ones, the most recent MAX_INSIGHT_RUNS. */
  private currentRuns(): RunRef[] {
    return this.opts.runs().slice(-MAX_INSIGHT_RUNS);
  }

  /** Findings of `key` for the visible runs (or what stands in their way). */
  get(key: string): ChartInsights {
    if (this.available === false || this.disposed) return { status: "off" };
    const runs = this.currentRuns();
    if (runs.length === 0) return { status: "ready", findings: [], resolve: () => null };
    const entry = this.entry(runs);
    if (entry.metrics === null) {
      if (entry.error !== null && !entry.loading) return { status: "error", message: entry.error };
      return { status: "loading" };
    }
    if (entry.stale && !entry.loading) this.schedule();
    const found = entry.metrics.get(key);
    if (found) return { status: "ready", findings: found, resolve: entry.resolve };
    if (entry.allKeys || entry.asked.has(key)) return { status: "ready", findings: [], resolve: entry.resolve };
    entry.pendingKeys.add(key);
    this.schedule();
    return { status: "loading" };
  }

  /** New points arrived: refresh the current run set (at most every LIVE_INTERVAL_MS). */
  onPoints(): void {
    if (this.available === false) return;
    this.live.add(["points"]);
  }

  /** Runs were renamed or changed: every cached answer is out of date. */
  invalidate(): void {
    this.refresh();
  }

  private refresh(): void {
    for (const e of this.cache.values()) e.stale = true;
    const runs = this.currentRuns();
    if (runs.length > 0 && this.cache.has(runSetKey(runs.map((r) => r.id)))) this.schedule();
  }

  private entry(runs: RunRef[]): Entry {
    const k = runSetKey(runs.map((r) => r.id));
    let e = this.cache.get(k);
    if (e) {
      // Most recently used last.
      this.cache.delete(k);
      this.cache.set(k, e);
      return e;
    }
    e = {
      ids: runs.map((r) => r.id),
      resolve: runResolver(runs),
      metrics: null,
      allKeys: false,
      asked: new Set(),
      pendingKeys: new Set(),
      loading: false,
      stale: true,
      error: null,
    };
    this.cache.set(k, e);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.schedule();
    return e;
  }

  /** Everything asked for in one task goes out together. */
  private schedule(): void {
    if (this.timer !== null || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 0);
  }

  private async flush(): Promise<void> {
    const runs = this.currentRuns();
    if (runs.length === 0) return;
    const entry = this.cache.get(runSetKey(runs.map((r) => r.id)));
    if (!entry || entry.loading) return;
    const needAll = entry.metrics === null || entry.stale;
    const keys = needAll ? [] : [...entry.pendingKeys];
    if (!needAll && keys.length === 0) return;
    entry.loading = true;
    entry.stale = false;
    try {
      let fresh = new Set<string>();
      if (needAll) {
        const allKeys = this.opts.keyCount() <= MAX_INSIGHT_KEYS;
        const answer = await this.call(runs, []);
        if (answer === null) return;
        const next = byMetric(parseFindings(answer));
        fresh = new Set(next.keys());
        // On a refresh, keys asked one by one keep their findings until asked again below.
        if (entry.metrics) for (const k of entry.asked) if (!next.has(k) && entry.metrics.has(k)) next.set(k, entry.metrics.get(k)!);
        entry.metrics = next;
        entry.allKeys = allKeys;
        entry.resolve = runResolver(runs);
        if (!allKeys) for (const k of entry.asked) entry.pendingKeys.add(k);
        entry.error = null;
        this.notify();
      }
      const want = entry.allKeys ? [] : [...entry.pendingKeys].filter((k) => !fresh.has(k));
      entry.pendingKeys.clear();
      for (const batch of keyBatches(want)) {
        const answer = await this.call(runs, batch);
        if (answer === null) return;
        const got = byMetric(parseFindings(answer));
        for (const k of batch) {
          entry.asked.add(k);
          const list = got.get(k);
          if (list) entry.metrics!.set(k, list);
          else entry.metrics!.delete(k);
        }
        this.notify();
      }
    } catch (e) {
      entry.error = e instanceof Error ? e.message : String(e);
      this.notify();
    } finally {
      entry.loading = false;
    }
    // Asked for meanwhile (more panels, another refresh): go again.
    if (!this.disposed && entry.error === null && (entry.pendingKeys.size > 0 || entry.stale)) this.schedule();
  }

  /** One request; null (and the store switched off) when the endpoint is missing. */
  private async call(runs: RunRef[], keys: string[]): Promise<unknown[] | null> {
    this.requests++;
    this.onRequest?.(this.requests);
    const answer = await this.fetchFn(this.project, runs.map((r) => r.id), keys);
    if (answer === "missing") {
      this.available = false;
      this.notify();
      return null;
    }
    this.available = true;
    return answer.findings;
  }

  private notify(): void {
    if (this.disposed) return;
    for (const fn of [...this.listeners]) fn();
  }

  dispose(): void {
    this.disposed = true;
    this.live.dispose();
    if (this.timer !== null) clearTimeout(this.timer);
    this.listeners.clear();
  }
}
