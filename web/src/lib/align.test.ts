import { describe, expect, it } from "vitest";
import { alignPanel, ascendingOrder, bandPairs, panelLayout, spread, unionX } from "./align";

const none = { kind: "none" as const, param: 0 };
const ema = { kind: "ema" as const, param: 0.6 };

describe("panelLayout", () => {
  it("orders bands, raw, main", () => {
    const l = panelLayout(["a", "b"], { band: true, smoothing: ema });
    expect(l.map((s) => `${s.run}:${s.role}`)).toEqual([
      "a:min", "a:max", "b:min", "b:max", "a:raw", "b:raw", "a:main", "b:main",
    ]);
    expect(bandPairs(l)).toEqual([[2, 1], [4, 3]]);
  });
  it("has only main lines without band and smoothing", () => {
    expect(panelLayout(["a"], { band: false, smoothing: none })).toEqual([{ run: "a", role: "main" }]);
  });
});

describe("unionX / spread", () => {
  it("merges and dedups", () => {
    expect(unionX([[0, 2, 4], [1, 2, 3]])).toEqual([0, 1, 2, 3, 4]);
    expect(unionX([[0, 1], [0, 1]])).toEqual([0, 1]);
    expect(unionX([])).toEqual([]);
  });
  it("spreads with undefined for missing and keeps null", () => {
    expect(spread([0, 1, 2, 3], [1, 3], [5, null])).toEqual([undefined, 5, undefined, null]);
  });
});

describe("ascendingOrder", () => {
  it("is identity for ascending x", () => {
    expect(ascendingOrder([1, 2, 3])).toEqual([0, 1, 2]);
  });
  it("sorts and keeps the last of repeated x", () => {
    expect(ascendingOrder([3, 1, 3, 2])).toEqual([1, 3, 2]);
  });
});

describe("alignPanel", () => {
  const a = { run: "a", x: [0, 1, 2], last: [1, null, 3], min: [0.5, null, 2], max: [1.5, null, 4] };
  const b = { run: "b", x: [1, 3], last: [10, 30] };
  it("aligns runs on the union grid", () => {
    const p = alignPanel([a, b], { band: false, smoothing: none, log: false });
    expect(p.data[0]).toEqual([0, 1, 2, 3]);
    expect(p.data[1]).toEqual([1, null, 3, undefined]);
    expect(p.data[2]).toEqual([undefined, 10, undefined, 30]);
    expect(p.raw.get("a")).toBe(p.main.get("a"));
  });
  it("adds bands from min/max, falling back to last", () => {
    const p = alignPanel([a, b], { band: true, smoothing: none, log: false });
    expect(p.slots.length).toBe(6);
    expect(p.data[1]).toEqual([0.5, null, 2, undefined]);
    expect(p.data[2]).toEqual([1.5, null, 4, undefined]);
    expect(p.data[3]).toEqual([undefined, 10, undefined, 30]);
  });
  it("smooths per run before aligning, keeping raw", () => {
    const p = alignPanel([b], { band: false, smoothing: ema, log: false });
    expect(p.slots.map((s) => s.role)).toEqual(["raw", "main"]);
    expect(p.data[1]).toEqual([10, 30]);
    const m = p.data[2] as number[];
    expect(m[0]).toBeCloseTo(10);
    expect(m[1]).toBeGreaterThan(10);
    expect(m[1]).toBeLessThan(30);
  });
  it("drops non-positive values on log scale as gaps", () => {
    const p = alignPanel([{ run: "c", x: [0, 1, 2], last: [0, -1, 2] }], { band: false, smoothing: none, log: true });
    expect(p.data[1]).toEqual([null, null, 2]);
  });
  it("lists the x of buckets holding non-finite points", () => {
    const p = alignPanel([{ run: "c", x: [0, 1, 2], last: [1, null, 2], nonfinite: [0, 1, 3] }], { band: false, smoothing: none, log: false });
    expect(p.nonfiniteX.get("c")).toEqual([1, 2]);
    expect(alignPanel([b], { band: false, smoothing: none, log: false }).nonfiniteX.size).toBe(0);
  });
  it("sorts a metric x axis", () => {
    const p = alignPanel([{ run: "c", x: [2, 0, 1], last: [20, 0, 10] }], { band: false, smoothing: none, log: false });
    expect(p.data[0]).toEqual([0, 1, 2]);
    expect(p.data[1]).toEqual([0, 10, 20]);
  });
});

import { isolatedPoints } from "./align";

describe("isolatedPoints", () => {
  it("finds points a line cannot draw", () => {
    expect(isolatedPoints([1])).toEqual([0]);
    expect(isolatedPoints([1, 2])).toEqual([]);
    expect(isolatedPoints([1, null, 2, 3, null, 4])).toEqual([0, 5]);
    expect(isolatedPoints([undefined, 1, undefined, undefined, 2])).toEqual([]);
    expect(isolatedPoints([1, undefined, null, 5])).toEqual([0, 3]);
  });
});
