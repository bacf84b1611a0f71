import { describe, expect, it } from "vitest";
import { emaSmooth, gaussianSmooth, isSmoothing, runningMean, smooth } from "./smoothing";

describe("emaSmooth", () => {
  it("is debiased: first value is kept", () => {
    const out = emaSmooth([10, 10, 10], 0.9);
    expect(out[0]).toBeCloseTo(10);
    expect(out[2]).toBeCloseTo(10);
  });
  it("matches the recurrence", () => {
    const w = 0.6;
    const out = emaSmooth([1, 2, 3], w);
    let acc = 0;
    const expected = [1, 2, 3].map((v, i) => {
      acc = acc * w + (1 - w) * v;
      return acc / (1 - Math.pow(w, i + 1));
    });
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!));
  });
  it("weight 0 is the identity", () => {
    expect(emaSmooth([3, 1, 4], 0)).toEqual([3, 1, 4]);
  });
  it("keeps gaps and skips them", () => {
    const out = emaSmooth([1, null, 1], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeCloseTo(1);
  });
  it("lags behind a step", () => {
    const out = emaSmooth([0, 0, 0, 1, 1], 0.6);
    expect(out[3]!).toBeGreaterThan(0);
    expect(out[3]!).toBeLessThan(1);
  });
});

describe("runningMean", () => {
  it("averages a trailing window", () => {
    expect(runningMean([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
  });
  it("window 1 is the identity", () => {
    expect(runningMean([5, 6], 1)).toEqual([5, 6]);
  });
  it("skips nulls in the window and keeps gaps", () => {
    expect(runningMean([2, null, 4], 3)).toEqual([2, null, 3]);
  });
});

describe("gaussianSmooth", () => {
  it("keeps a constant series", () => {
    gaussianSmooth([2, 2, 2, 2, 2], 1.5).forEach((v) => expect(v).toBeCloseTo(2));
  });
  it("spreads a spike symmetrically", () => {
    const out = gaussianSmooth([0, 0, 0, 9, 0, 0, 0], 1);
    expect(out[2]).toBeCloseTo(out[4]!);
    expect(out[3]!).toBeLessThan(9);
    expect(out[3]!).toBeGreaterThan(out[2]!);
  });
  it("keeps gaps", () => {
    expect(gaussianSmooth([1, null, 1], 1)[1]).toBeNull();
  });
});

describe("smooth", () => {
  it("dispatches and copies for none", () => {
    const v = [1, 2];
    const out = smooth(v, { kind: "none", param: 0 });
    expect(out).toEqual(v);
    expect(out).not.toBe(v);
  });
  it("isSmoothing", () => {
    expect(isSmoothing({ kind: "ema", param: 0 })).toBe(false);
    expect(isSmoothing({ kind: "ema", param: 0.6 })).toBe(true);
    expect(isSmoothing({ kind: "mean", param: 1 })).toBe(false);
    expect(isSmoothing({ kind: "none", param: 3 })).toBe(false);
  });
});
