import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../api/client", () => ({ getInsightFindings: async () => "missing" }));

import type { InsightsAnswer } from "../api/client";
import type { RunRef } from "../lib/insightmarks";
import { InsightsStore, keyBatches, MAX_INSIGHT_KEYS } from "./insights";

type Call = { runs: string[]; keys: string[] };

function finding(metric: string, run: string, type = "trend") {
  return { type, metric, runs: [run], step: 3, value: 1, text: `${run} ${metric} ${type}` };
}

function setup(opts: { runs?: RunRef[]; keys?: number; answer?: (c: Call) => InsightsAnswer | Promise<InsightsAnswer> } = {}) {
  const calls: Call[] = [];
  let runs: RunRef[] = opts.runs ?? [
    { id: "r1", name: "red" },
    { id: "b1", name: "blue" },
  ];
  const store = new InsightsStore("p", {
    runs: () => runs,
    keyCount: () => opts.keys ?? 3,
    liveInterval: 5000,
    fetch: async (_p, r, k) => {
      const c = { runs: [...r], keys: [...(k ?? [])] };
      calls.push(c);
      if (opts.answer) return opts.answer(c);
      const keys = c.keys.length ? c.keys : ["a", "b"];
      return { findings: keys.flatMap((key) => runs.filter((x) => c.runs.includes(x.id)).map((x) => finding(key, x.name))) };
    },
  });
  const notified = vi.fn();
  store.subscribe(notified);
  return { store, calls, notified, setRuns: (r: RunRef[]) => (runs = r) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("InsightsStore", () => {
  it("asks once per run set, without keys, and splits by metric", async () => {
    const { store, calls, notified } = setup();
    expect(store.get("a").status).toBe("loading");
    expect(store.get("b").status).toBe("loading");
    await vi.runAllTimersAsync();
    expect(calls).toEqual([{ runs: ["r1", "b1"], keys: [] }]);
    expect(notified).toHaveBeenCalled();
    const a = store.get("a");
    expect(a.status).toBe("ready");
    if (a.status !== "ready") return;
    expect(a.findings.map((f) => f.text)).toEqual(["red a trend", "blue a trend"]);
    expect(a.resolve("blue")).toBe("b1");
    // A key without findings is simply empty: every key was covered.
    expect(store.get("zzz")).toMatchObject({ status: "ready", findings: [] });
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(store.requests).toBe(1);
  });

  it("caches per run set", async () => {
    const { store, calls, setRuns } = setup();
    store.get("a");
    await vi.runAllTimersAsync();
    setRuns([{ id: "r1", name: "red" }]);
    expect(store.get("a").status).toBe("loading");
    await vi.runAllTimersAsync();
    expect(calls.map((c) => c.runs)).toEqual([["r1", "b1"], ["r1"]]);
    setRuns([
      { id: "b1", name: "blue" },
      { id: "r1", name: "red" },
    ]);
    expect(store.get("a").status).toBe("ready");
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(2);
  });

  it("asks for keys beyond one analysis in batches", async () => {
    const { store, calls } = setup({ keys: 500 });
    store.get("a");
    await vi.runAllTimersAsync();
    expect(store.get("a").status).toBe("ready");
    expect(store.get("x1").status).toBe("loading");
    expect(store.get("x2").status).toBe("loading");
    await vi.runAllTimersAsync();
    expect(calls[1]).toEqual({ runs: ["r1", "b1"], keys: ["x1", "x2"] });
    expect(store.get("x1")).toMatchObject({ status: "ready" });
    expect(store.get("x2").status).toBe("ready");
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(2);
  });

  it("refreshes on live points at most every 5 s", async () => {
    const { store, calls } = setup();
    store.get("a");
    await vi.runAllTimersAsync();
    store.onPoints();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(2);
    // Keeps answering from the cache meanwhile.
    store.onPoints();
    store.onPoints();
    expect(store.get("a").status).toBe("ready");
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(4100);
    expect(calls).toHaveLength(3);
  });

  it("switches off when the endpoint is missing", async () => {
    const { store, calls } = setup({ answer: () => "missing" });
    store.get("a");
    await vi.runAllTimersAsync();
    expect(store.available).toBe(false);
    expect(store.get("a").status).toBe("off");
    store.onPoints();
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
  });

  it("reports errors and retries on the next refresh", async () => {
    let fail = true;
    const { store, calls } = setup({
      answer: () => {
        if (fail) throw new Error("boom");
        return { findings: [finding("a", "red")] };
      },
    });
    store.get("a");
    await vi.runAllTimersAsync();
    expect(store.get("a")).toEqual({ status: "error", message: "boom" });
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    fail = false;
    store.onPoints();
    await vi.runAllTimersAsync();
    expect(store.get("a").status).toBe("ready");
  });

  it("has nothing to ask without visible runs; analyses the latest 50", async () => {
    const none = setup({ runs: [] });
    expect(none.store.get("a")).toMatchObject({ status: "ready", findings: [] });
    await vi.runAllTimersAsync();
    expect(none.calls).toHaveLength(0);
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, name: `n${i}` }));
    const big = setup({ runs: many });
    big.store.get("a");
    await vi.runAllTimersAsync();
    expect(big.calls[0]!.runs).toHaveLength(50);
    expect(big.calls[0]!.runs[0]).toBe("r10");
  });
});

describe("keyBatches", () => {
  it("keeps batches within the key limit and a URL budget", () => {
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    const b = keyBatches(keys);
    expect(b.map((x) => x.length)).toEqual([MAX_INSIGHT_KEYS, MAX_INSIGHT_KEYS, 50]);
    const long = Array.from({ length: 10 }, (_, i) => `${"x".repeat(1000)}${i}`);
    expect(keyBatches(long).every((x) => x.length <= 4)).toBe(true);
    expect(keyBatches([])).toEqual([]);
  });
});
