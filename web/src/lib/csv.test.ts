import { describe, expect, it } from "vitest";
import { csvEscape, downloadName, panelCsv, runHeaders } from "./csv";

describe("csvEscape", () => {
  it("quotes only when needed", () => {
    expect(csvEscape("plain")).toBe("plain");
    expect(csvEscape('a,"b"')).toBe('"a,""b"""');
    expect(csvEscape("line\nbreak")).toBe('"line\nbreak"');
  });
});

describe("runHeaders", () => {
  it("disambiguates duplicate names", () => {
    expect(runHeaders([{ id: "1", name: "a" }, { id: "2", name: "a" }, { id: "3", name: "b" }])).toEqual([
      "a (1)", "a (2)", "b",
    ]);
  });
});

describe("panelCsv", () => {
  it("writes step,<run> rows; empty for missing, NaN for non-finite", () => {
    const csv = panelCsv("step", [0, 1, 2, 3], [
      { id: "r", name: "red", values: [0.5, null, undefined, undefined] },
      { id: "b", name: "blue, v2", values: [undefined, 1, 2, undefined] },
    ]);
    expect(csv).toBe('step,red,"blue, v2"\n0,0.5,\n1,NaN,1\n2,,2\n');
  });
  it("keeps only the zoomed range", () => {
    const csv = panelCsv("step", [0, 1, 2, 3], [{ id: "r", name: "red", values: [1, 2, 3, 4] }], [1, 2]);
    expect(csv).toBe("step,red\n1,2\n2,3\n");
  });
  it("has a header even without data", () => {
    expect(panelCsv("step", [], [])).toBe("step\n");
  });
});

describe("downloadName", () => {
  it("is file-system safe", () => {
    expect(downloadName("seed", "eval/math-eval/accuracy/mean", "csv")).toBe("seed-eval_math-eval_accuracy_mean.csv");
  });
});
