import { describe, expect, it } from "vitest";
import { nearestDefined, tooltipRows } from "./tooltip";

describe("nearestDefined", () => {
  it("finds the closest defined cell, null counts as defined", () => {
    expect(nearestDefined([undefined, 1, undefined, undefined, 2], 3)).toBe(4);
    expect(nearestDefined([undefined, null, undefined], 2)).toBe(1);
    expect(nearestDefined([undefined, undefined], 0)).toBeNull();
    expect(nearestDefined([1, undefined, undefined, undefined], 3, 1)).toBeNull();
    expect(nearestDefined([1], 5)).toBeNull();
  });
});

describe("tooltipRows", () => {
  const xs = [0, 1, 2];
  const runs = [
    { id: "r", name: "red", color: "#e5484d", main: [0.1, 0.2, 0.3], raw: [0.1, 0.25, 0.3] },
    { id: "b", name: "blue", color: "#3e63dd", main: [0.5, undefined, 0.6], raw: [0.5, undefined, 0.6] },
    { id: "n", name: "nan", color: "#000000", main: [null, null, null], raw: [null, null, null] },
  ];
  it("sorts by value, highest first, non-finite last", () => {
    const rows = tooltipRows(runs, 1, xs);
    expect(rows.map((r) => r.id)).toEqual(["b", "r", "n"]);
    expect(rows[1]!.raw).toBe(0.25);
    expect(rows[2]!.value).toBeNull();
  });
  it("reads the nearest point of a run with no point at x", () => {
    const rows = tooltipRows(runs, 1, xs);
    expect(rows[0]!.index).toBe(0);
  });
  it("drops runs whose nearest point is too far in x", () => {
    const rows = tooltipRows(runs, 1, [0, 10, 20], 5);
    expect(rows.map((r) => r.id)).toEqual(["r", "n"]);
  });
});
