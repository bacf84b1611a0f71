// Batches panel data requests into as few `POST .../series/query` calls as possible:
// everything asked for in the same task (all panels entering the viewport, a burst of
// live updates) becomes one request per distinct (x axis, x range). Each panel gets its
// own (run, key) envelopes back.

import { querySeries } from "../api/client";
import type { SeriesEnvelope } from "../api/types";

export interface SeriesRequest {
  key: string;
  x: string;
  range: [number, number] | null;
  buckets: number;
}

interface Pending {
  req: SeriesRequest;
  resolve: (s: SeriesEnvelope[]) => void;
  reject: (e: unknown) => void;
}

export interface QueryStats {
  queries: number;
  lastQueryMs: number;
  lastQueryAt: number;
}

export const MAX_BUCKETS = 10000;

/** The server answers at most this many (run, key) pairs per query. */
export const MAX_PAIRS = 20000;

/** Split keys so that runs × keys stays within MAX_PAIRS in every query. */
export function chunkKeys(keys: readonly string[], runCount: number): string[][] {
  const per = Math.max(1, Math.floor(MAX_PAIRS / Math.max(1, runCount)));
  const out: string[][] = [];
  for (let i = 0; i < keys.length; i += per) out.push(keys.slice(i, i + per));
  return out;
}

export function clampBuckets(n: number): number {
  return Math.max(10, Math.min(MAX_BUCKETS, Math.round(n)));
}

export class SeriesLoader {
  private pending: Pending[] = [];
  private scheduled = false;
  readonly stats: QueryStats = { queries: 0, lastQueryMs: 0, lastQueryAt: 0 };
  onQuery: ((stats: QueryStats) => void) | null = null;

  constructor(
    private readonly project: string,
    /** The runs to ask for at flush time (the visible ones). */
    private readonly runs: () => string[],
  ) {}

  load(req: SeriesRequest): Promise<SeriesEnvelope[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ req, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const runs = this.runs();
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const id = JSON.stringify([p.req.x, p.req.range]);
      const list = groups.get(id);
      if (list) list.push(p);
      else groups.set(id, [p]);
    }
    for (const list of groups.values()) void this.run(list, runs);
  }

  private async run(list: Pending[], runs: string[]): Promise<void> {
    const first = list[0]!.req;
    if (runs.length === 0) {
      for (const p of list) p.resolve([]);
      return;
    }
    const keys = [...new Set(list.map((p) => p.req.key))];
    const buckets = clampBuckets(Math.max(...list.map((p) => p.req.buckets)));
    try {
      // One request unless it would pass the server's limit on (run, key) pairs.
      const chunks = chunkKeys(keys, runs.length);
      const answers = await Promise.all(
        chunks.map((chunk) => querySeries(this.project, { runs, keys: chunk, x: first.x, x_range: first.range, buckets })),
      );
      this.stats.queries += answers.length;
      this.stats.lastQueryMs = Math.max(...answers.map((a) => a.ms));
      this.stats.lastQueryAt = performance.now();
      this.onQuery?.(this.stats);
      const byKey = new Map<string, SeriesEnvelope[]>();
      for (const s of answers.flatMap((a) => a.response.series)) {
        const l = byKey.get(s.key);
        if (l) l.push(s);
        else byKey.set(s.key, [s]);
      }
      for (const p of list) p.resolve(byKey.get(p.req.key) ?? []);
    } catch (e) {
      for (const p of list) p.reject(e);
    }
  }
}
