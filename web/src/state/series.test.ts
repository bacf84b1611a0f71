import { beforeEach, describe, expect, it, vi } from "vitest";

const querySeries = vi.fn();
vi.mock("../api/client", () => ({ querySeries: (...args: unknown[]) => querySeries(...args) }));

import { chunkKeys, clampBuckets, MAX_PAIRS, SeriesLoader } from "./series";

function env(run: string, key: string) {
  return { run, key, raw: true, x: [0], last: [1], mean: [1], min: [1], max: [1], count: [1], nonfinite: [0] };
}

beforeEach(() => {
  querySeries.mockReset();
  querySeries.mockImplementation(async (_p: string, q: { runs: string[]; keys: string[] }) => ({
    response: { x: "step", buckets: 10, series: q.runs.flatMap((r) => q.keys.map((k) => env(r, k))) },
    ms: 5,
  }));
});

describe("SeriesLoader", () => {
  it("sends one query for every request made in the same task", async () => {
    const loader = new SeriesLoader("p", () => ["a", "b"]);
    const [k1, k2, k3] = await Promise.all([
      loader.load({ key: "k1", x: "step", range: null, buckets: 300 }),
      loader.load({ key: "k2", x: "step", range: null, buckets: 500 }),
      loader.load({ key: "k1", x: "step", range: null, buckets: 300 }),
    ]);
    expect(querySeries).toHaveBeenCalledTimes(1);
    const [project, q] = querySeries.mock.calls[0]!;
    expect(project).toBe("p");
    expect(q).toEqual({ runs: ["a", "b"], keys: ["k1", "k2"], x: "step", x_range: null, buckets: 500 });
    expect(k1!.map((s) => s.run)).toEqual(["a", "b"]);
    expect(k2!.every((s) => s.key === "k2")).toBe(true);
    expect(k3).toEqual(k1);
    expect(loader.stats.queries).toBe(1);
  });
  it("splits by x axis and x range", async () => {
    const loader = new SeriesLoader("p", () => ["a"]);
    await Promise.all([
      loader.load({ key: "k1", x: "step", range: null, buckets: 100 }),
      loader.load({ key: "k2", x: "wall", range: null, buckets: 100 }),
      loader.load({ key: "k3", x: "step", range: [1, 2], buckets: 100 }),
    ]);
    expect(querySeries).toHaveBeenCalledTimes(3);
  });
  it("answers empty without runs and rejects on errors", async () => {
    const none = new SeriesLoader("p", () => []);
    expect(await none.load({ key: "k", x: "step", range: null, buckets: 10 })).toEqual([]);
    expect(querySeries).not.toHaveBeenCalled();
    querySeries.mockRejectedValueOnce(new Error("boom"));
    const loader = new SeriesLoader("p", () => ["a"]);
    await expect(loader.load({ key: "k", x: "step", range: null, buckets: 10 })).rejects.toThrow("boom");
  });
  it("clamps buckets to the API's limits", () => {
    expect(clampBuckets(0)).toBe(10);
    expect(clampBuckets(123.4)).toBe(123);
    expect(clampBuckets(1e6)).toBe(10000);
  });
});

describe("chunkKeys", () => {
  it("keeps runs x keys within the server's limit", () => {
    expect(chunkKeys(["a", "b", "c"], 10)).toEqual([["a", "b", "c"]]);
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    const chunks = chunkKeys(keys, 200);
    expect(chunks.every((c) => c.length * 200 <= MAX_PAIRS)).toBe(true);
    expect(chunks.flat()).toEqual(keys);
    expect(chunkKeys(["a", "b"], 50000)).toEqual([["a"], ["b"]]);
  });
});
