import { describe, expect, it } from "vitest";
import { collectFinite, computeYRange, niceLog, padRange, quantile, robustExtent } from "./yrange";

const auto = { ignoreOutliers: false, log: false, min: null, max: null };

describe("quantile", () => {
  it("interpolates", () => {
    expect(quantile([0, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("collectFinite", () => {
  it("drops null, undefined, NaN, inf; sorts", () => {
    expect(collectFinite([[3, null, 1], [undefined, NaN, Infinity, 2]])).toEqual([1, 2, 3]);
  });
  it("keeps positives only for log", () => {
    expect(collectFinite([[-1, 0, 0.5, 2]], true)).toEqual([0.5, 2]);
  });
});

// The reference picture's series, as the demo replica logs them (two runs, steps 0–30).
const ENTROPY = [
  [0.538, 0.371, 0.279, 0.195, 0.155, 0.128, 0.111, 0.116, 0.093, 0.085, 0.069, 0.071, 0.077, 0.081, 0.09, 0.089, 0.088, 0.085, 0.083, 0.075, 0.075, 0.076, 0.067, 0.066, 0.057, 0.051, 0.042, 0.037, 0.031, 0.026, 0.02],
  [0.495, 0.329, 0.245, 0.17, 0.128, 0.11, 0.094, 0.083, 0.086, 0.096, 0.079, 0.066, 0.071, 0.079, 0.078, 0.068, 0.081, 0.087, 0.085, 0.077, 0.085, 0.112, 0.115, 0.103, 0.082, 0.08, 0.074, 0.063, 0.06, 0.06, 0.058],
];
const sortedOf = (cols: number[][]): number[] => cols.flat().sort((a, b) => a - b);

describe("robustExtent", () => {
  it("puts the entropy start off-chart, as in the reference picture", () => {
    const [lo, hi] = robustExtent(sortedOf(ENTROPY))!;
    expect(lo).toBe(0.02);
    expect(hi).toBeGreaterThan(0.17);
    expect(hi).toBeLessThan(0.25);
    const r = computeYRange(ENTROPY, { ignoreOutliers: true, log: false, min: null, max: null })!;
    expect(r[0]).toBeGreaterThanOrEqual(0);
    expect(r[0]).toBeLessThan(0.02);
    expect(r[1]).toBeLessThan(0.25);
  });
  it("keeps a real hump (the KL peak)", () => {
    const blue = Array.from({ length: 31 }, (_, i) => 1.05 * Math.exp(-((i - 20) ** 2) / 60));
    const red = Array.from({ length: 31 }, (_, i) => (i < 5 ? i * 0.1 : 0.45 + 0.05 * Math.sin(i)));
    const [, hi] = robustExtent(sortedOf([blue, red]))!;
    expect(hi).toBeCloseTo(Math.max(...blue));
  });
  it("clips a lone spike in noise", () => {
    const v = Array.from({ length: 100 }, (_, i) => Math.sin(i) * 0.1 + 1);
    v[50] = 50;
    const [, hi] = robustExtent([...v].sort((a, b) => a - b))!;
    expect(hi).toBeLessThan(2);
  });
  it("flat bulk falls back to percentiles", () => {
    const v = Array.from({ length: 200 }, () => 1);
    v.push(1000);
    const [lo, hi] = robustExtent(v.sort((a, b) => a - b))!;
    expect(lo).toBe(1);
    expect(hi).toBe(1);
  });
  it("few points: the full extent", () => {
    expect(robustExtent([1, 2, 100])).toEqual([1, 100]);
  });
});

describe("padRange", () => {
  it("pads linearly and does not cross zero for non-negative data", () => {
    expect(padRange(0, 10, false)).toEqual([0, 10.5]);
    const [a, b] = padRange(-10, 10, false);
    expect(a).toBeCloseTo(-11);
    expect(b).toBeCloseTo(11);
  });
  it("widens a zero span", () => {
    expect(padRange(5, 5, false)).toEqual([4.5, 5.5]);
    expect(padRange(0, 0, false)).toEqual([-1, 1]);
  });
  it("pads multiplicatively on log and lands on 1-2-5 ticks", () => {
    expect(padRange(1, 100, true)).toEqual([0.5, 200]);
    expect(padRange(0.0012, 3.1, true)).toEqual([0.0005, 5]);
  });
  it("niceLog", () => {
    expect(niceLog(0.00108, -1)).toBe(0.001);
    expect(niceLog(0.0031, -1)).toBe(0.002);
    expect(niceLog(7, 1)).toBe(10);
    expect(niceLog(1.5, 1)).toBe(2);
    expect(niceLog(100, 1)).toBe(100);
  });
});

describe("computeYRange", () => {
  it("returns null for no data", () => {
    expect(computeYRange([[null, undefined]], auto)).toBeNull();
  });
  it("auto covers everything", () => {
    const r = computeYRange([[1, 2], [3, null]], auto)!;
    expect(r[0]).toBeLessThanOrEqual(1);
    expect(r[1]).toBeGreaterThanOrEqual(3);
  });
  it("manual bounds win", () => {
    expect(computeYRange([[1, 2, 3]], { ...auto, min: 0, max: 10 })).toEqual([0, 10]);
    const r = computeYRange([[1, 2, 3]], { ...auto, max: 2 })!;
    expect(r[1]).toBe(2);
    expect(r[0]).toBeLessThan(2);
  });
  it("a manual bound beyond the data opens the other side", () => {
    const r = computeYRange([[1, 2, 3]], { ...auto, min: 50 })!;
    expect(r[0]).toBe(50);
    expect(r[1]).toBeGreaterThan(50);
  });
  it("log ignores non-positive values and bounds", () => {
    const r = computeYRange([[-5, 0, 1, 100]], { ...auto, log: true, min: -3 })!;
    expect(r[0]).toBeGreaterThan(0);
    expect(r[1]).toBeGreaterThan(100);
  });
  it("manual bounds only, no data", () => {
    expect(computeYRange([[]], { ...auto, min: 0, max: 1 })).toEqual([0, 1]);
  });
});
