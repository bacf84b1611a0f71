import { describe, expect, it } from "vitest";
import { formatAge, formatDuration, formatStep, formatValue, formatX, xColumnName, xKind, xLabel } from "./format";

describe("formatValue", () => {
  it("formats compactly", () => {
    expect(formatValue(0.123456)).toBe("0.1235");
    expect(formatValue(12345.678)).toBe("12350");
    expect(formatValue(0)).toBe("0");
    expect(formatValue(1.5e-7)).toBe("1.5e-7");
    expect(formatValue(2e9)).toBe("2e+9");
    expect(formatValue(null)).toBe("NaN");
    expect(formatValue(undefined)).toBe("");
  });
});

describe("durations and steps", () => {
  it("formatDuration", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(1.25)).toBe("1.25s");
    expect(formatDuration(75)).toBe("1m 15s");
    expect(formatDuration(3725)).toBe("1h 2m");
    expect(formatDuration(90000)).toBe("1d 1h");
    expect(formatDuration(120)).toBe("2m");
  });
  it("formatStep", () => {
    expect(formatStep(30)).toBe("30");
    expect(formatStep(null)).toBe("");
  });
  it("formatAge", () => {
    expect(formatAge(100, 110)).toBe("just now");
    expect(formatAge(0, 3600 * 3)).toBe("3h ago");
    expect(formatAge(null, 0)).toBe("");
  });
});

describe("x axis", () => {
  it("kinds and labels", () => {
    expect(xKind("metric:train/tokens")).toBe("metric");
    expect(xKind("bogus")).toBe("step");
    expect(xLabel("metric:train/tokens")).toBe("train/tokens");
    expect(xLabel("relative")).toBe("Relative time");
    expect(xColumnName("wall")).toBe("wall_time");
    expect(xColumnName("step")).toBe("step");
  });
  it("formatX", () => {
    expect(formatX("step", 5)).toBe("5");
    expect(formatX("relative", 75)).toBe("1m 15s");
    expect(formatX("metric:t", 1234.5)).toBe("1235");
    expect(formatX("wall", 0)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});

import { durationIncrs, formatTicks, integerIncrs } from "./format";

describe("formatTicks", () => {
  it("trims like the reference dashboard", () => {
    expect(formatTicks([0, 0.05, 0.1, 0.15, 0.2], 0.05)).toEqual(["0", "0.05", "0.1", "0.15", "0.2"]);
    expect(formatTicks([0.25, 0.3, 0.35], 0.05)).toEqual(["0.25", "0.3", "0.35"]);
    expect(formatTicks([0, 0.2, 0.4, 0.6000000000000001, 1.2], 0.2)).toEqual(["0", "0.2", "0.4", "0.6", "1.2"]);
    expect(formatTicks([0, 5, 10], 5)).toEqual(["0", "5", "10"]);
    expect(formatTicks([0.25, 0.275, 0.3], 0.025)).toEqual(["0.25", "0.275", "0.3"]);
    expect(formatTicks([0.1 + 0.2, 0.4], 0.1)).toEqual(["0.3", "0.4"]);
  });
  it("uses suffixes for large values", () => {
    expect(formatTicks([0, 50000, 100000], 50000)).toEqual(["0", "50k", "100k"]);
    expect(formatTicks([1e6, 1.5e6, 2e6], 5e5)).toEqual(["1M", "1.5M", "2M"]);
    expect(formatTicks([10000, 10500, 11000], 500)).toEqual(["10k", "10.5k", "11k"]);
    expect(formatTicks([2e7, 4e7], 2e7)).toEqual(["20M", "40M"]);
  });
  it("leaves filtered (null) splits blank", () => {
    expect(formatTicks([0.1, null, 10], 0.1)).toEqual(["0.1", "", "10"]);
  });
  it("uses exponents for tiny spacings", () => {
    expect(formatTicks([0, 1e-5, 2e-5], 1e-5)).toEqual(["0", "1e-5", "2e-5"]);
  });
  it("increments", () => {
    expect(integerIncrs().slice(0, 6)).toEqual([1, 2, 5, 10, 20, 25]);
    expect(durationIncrs()).toContain(3600);
  });
});

import { formatCreated } from "./format";

describe("formatCreated", () => {
  it("ages recent runs, dates old ones", () => {
    expect(formatCreated(1000, 1000 + 7200)).toBe("2h ago");
    expect(formatCreated(0, 30 * 86400)).toMatch(/^19(69|70)-\d\d-\d\d$/);
  });
});
