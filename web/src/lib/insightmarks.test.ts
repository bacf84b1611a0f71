import { describe, expect, it } from "vitest";
import { byMetric, describeFindings, panelMarks, parseFindings, runResolver, runSetKey, visibleMarks, type Finding } from "./insightmarks";

const KL = "actor/kl_loss";
const ACC = "eval/math-eval/accuracy/mean";

// The seed replica's KL chart, as the server answers it (details trimmed).
const seed: Finding[] = parseFindings({
  findings: [
    { type: "trend", metric: KL, runs: ["blue"], step: 30, window: [0, 30], value: 0.535, text: "blue's actor/kl_loss rises to a hump and falls back." },
    { type: "peak", metric: KL, runs: ["blue"], step: 20, window: [15, 25], value: 1.08, text: "blue's actor/kl_loss peaks at 1.08 around step 20 (above 0.798 over steps 15-25).", detail: { prominence: 0.517 } },
    { type: "trend", metric: KL, runs: ["red"], step: 30, value: 0.384, text: "red's actor/kl_loss rises, then plateaus." },
    { type: "peak", metric: KL, runs: ["red"], step: 9, window: [5, 17], value: 0.584, text: "red's actor/kl_loss peaks at 0.584 around step 9.", detail: { prominence: 0.176 } },
    { type: "crossover", metric: KL, runs: ["red", "blue"], step: 11, value: 0.534, leader: "red", direction: "down", text: "red overtakes blue on actor/kl_loss around step 11 (red now lower)." },
    { type: "final_comparison", metric: KL, runs: ["red", "blue"], step: 30, value: 0.384, leader: "red", text: "red ends with the lower actor/kl_loss: 0.384 vs 0.535 for blue." },
    { type: "co_occurrence", metric: KL, metrics: [KL, ACC], runs: ["blue"], step: 20, window: [15, 25], value: 1.08, text: "blue's actor/kl_loss peak (steps 15-25) coincides with its eval/math-eval/accuracy/mean plateau." },
    { type: "trend", metric: ACC, runs: ["red"], step: 30, value: 0.35, text: "red's accuracy rises." },
  ],
});

describe("parseFindings", () => {
  it("keeps well-formed findings and drops the rest", () => {
    const out = parseFindings({
      findings: [
        { type: "peak", metric: "m", runs: ["a", 3], step: 4, value: null, window: [1, "x"], text: "t" },
        { type: "peak", metric: "m" },
        "nonsense",
        { type: "spike", metric: "m", runs: [], text: "u", step: Infinity, direction: "down" },
      ],
    });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ runs: ["a"], step: 4, value: null });
    expect(out[0]!.window).toBeUndefined();
    expect(out[1]).toMatchObject({ step: null, direction: "down" });
    expect(parseFindings(null)).toEqual([]);
    expect(parseFindings([{ type: "trend", metric: "m", runs: [], text: "x" }])).toHaveLength(1);
  });
});

describe("byMetric", () => {
  it("groups by metric, co-occurrences under every metric they link", () => {
    const m = byMetric(seed);
    expect(m.get(KL)).toHaveLength(7);
    expect(m.get(ACC)!.map((f) => f.type)).toEqual(["co_occurrence", "trend"]);
  });
});

describe("runResolver", () => {
  it("maps unique names, 'name (id)' labels and ids", () => {
    const resolve = runResolver([
      { id: "r1", name: "red" },
      { id: "b1", name: "blue" },
    ]);
    expect(resolve("red")).toBe("r1");
    expect(resolve("blue (b1)")).toBe("b1");
    expect(resolve("b1")).toBe("b1");
    expect(resolve("green")).toBeNull();
    expect(resolve("blue (zz)")).toBeNull();
  });

  it("needs the id form when names repeat", () => {
    const resolve = runResolver([
      { id: "a1", name: "sweep" },
      { id: "a2", name: "sweep" },
      { id: "a3", name: "base (v2)" },
    ]);
    expect(resolve("sweep")).toBeNull();
    expect(resolve("sweep (a1)")).toBe("a1");
    expect(resolve("sweep (a2)")).toBe("a2");
    // the id form must agree with the name
    expect(resolve("other (a2)")).toBeNull();
    // a unique name that itself looks like "x (y)"
    expect(resolve("base (v2)")).toBe("a3");
  });
});

describe("describeFindings", () => {
  it("says who ends better, the most prominent peak and the latest crossover", () => {
    const d = describeFindings(seed, KL);
    expect(d.summary).toEqual([
      "red ends with the lower actor/kl_loss: 0.384 vs 0.535 for blue.",
      "blue's actor/kl_loss peaks at 1.08 around step 20 (above 0.798 over steps 15-25).",
      "red overtakes blue on actor/kl_loss around step 11 (red now lower).",
    ]);
    expect(d.rest).toHaveLength(4);
    expect(d.rest.some((t) => t.includes("coincides"))).toBe(true);
  });

  it("leads with the trend when the chart has one run", () => {
    const one = seed.filter((f) => f.runs.length === 1 && f.runs[0] === "blue" && f.type !== "co_occurrence");
    const d = describeFindings(one, KL, 2);
    expect(d.summary).toEqual([one[0]!.text, one[1]!.text]);
  });

  it("fills up with more of the same kinds", () => {
    const only = seed.filter((f) => f.type === "peak");
    expect(describeFindings(only, KL).summary).toHaveLength(2);
    expect(describeFindings(seed, ACC)).toEqual({ summary: ["red's accuracy rises."], rest: [seed[6]!.text] });
    expect(describeFindings([], KL)).toEqual({ summary: [], rest: [] });
  });

  it("orders crossovers latest first", () => {
    const xs: Finding[] = [5, 40, 20].map((step) => ({ type: "crossover", metric: "m", runs: ["a", "b"], step, text: `x${step}` }));
    expect(describeFindings(xs, "m", 2).summary).toEqual(["x40", "x20"]);
  });
});

describe("panelMarks", () => {
  it("marks peaks, spikes and crossovers of the chart with run ids", () => {
    const resolve = runResolver([
      { id: "r1", name: "red" },
      { id: "b1", name: "blue" },
    ]);
    const spikes: Finding[] = [
      { type: "spike", metric: KL, runs: ["red"], step: 3, value: 2, direction: "down", text: "s" },
      { type: "spike", metric: KL, runs: ["ghost"], step: 4, value: 2, text: "unresolved" },
    ];
    const marks = panelMarks([...seed, ...spikes], KL, resolve);
    expect(marks.map((m) => [m.kind, m.run, m.step])).toEqual([
      ["peak", "b1", 20],
      ["peak", "r1", 9],
      ["crossover", "r1", 11],
      ["spike-down", "r1", 3],
    ]);
    expect(visibleMarks(marks, new Set(["b1"])).map((m) => m.kind)).toEqual(["peak"]);
    expect(panelMarks(seed, "other", resolve)).toEqual([]);
  });

  it("handles duplicate names through the id form", () => {
    const resolve = runResolver([
      { id: "a1", name: "sweep" },
      { id: "a2", name: "sweep" },
    ]);
    const f: Finding[] = [
      { type: "peak", metric: "m", runs: ["sweep (a2)"], step: 7, value: 1, text: "p" },
      { type: "crossover", metric: "m", runs: ["sweep (a1)", "sweep (a2)"], step: 9, value: 1, text: "x" },
    ];
    expect(panelMarks(f, "m", resolve).map((m) => m.run)).toEqual(["a2", "a1"]);
  });
});

describe("runSetKey", () => {
  it("ignores order", () => {
    expect(runSetKey(["b", "a"])).toBe(runSetKey(["a", "b"]));
    expect(runSetKey(["a"])).not.toBe(runSetKey(["a", "b"]));
  });
});
