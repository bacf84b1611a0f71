import { describe, expect, it } from "vitest";
import { configFields, configText, filterRuns } from "./runfilter";

const runs = [
  { id: "a1", name: "red", group: "ppo", tags: ["replica", "lr-high"], status: "finished", config: { lr: 1e-6, model: "qwen" } },
  { id: "b2", name: "blue", group: null, tags: ["replica"], status: "running", config: { lr: 2e-6 } },
];

describe("filterRuns", () => {
  it("empty query keeps all", () => {
    expect(filterRuns(runs, "  ").length).toBe(2);
  });
  it("bare words search name, id, group, tags, status", () => {
    expect(filterRuns(runs, "RED").map((r) => r.id)).toEqual(["a1"]);
    expect(filterRuns(runs, "running").map((r) => r.id)).toEqual(["b2"]);
    expect(filterRuns(runs, "replica").length).toBe(2);
    expect(filterRuns(runs, "replica ppo").map((r) => r.id)).toEqual(["a1"]);
  });
  it("field terms", () => {
    expect(filterRuns(runs, "tag:lr-high").map((r) => r.id)).toEqual(["a1"]);
    expect(filterRuns(runs, "status:fin").map((r) => r.id)).toEqual(["a1"]);
    expect(filterRuns(runs, "config.lr:2e-6").map((r) => r.id)).toEqual(["b2"]);
    expect(filterRuns(runs, "config.model:qwen").map((r) => r.id)).toEqual(["a1"]);
    expect(filterRuns(runs, "group:ppo").map((r) => r.id)).toEqual(["a1"]);
  });
});

describe("config", () => {
  it("configText", () => {
    expect(configText(1e-6)).toBe("0.000001");
    expect(configText(null)).toBe("null");
    expect(configText({ a: 1 })).toBe('{"a":1}');
    expect(configText(undefined)).toBe("");
  });
  it("configFields by frequency", () => {
    expect(configFields(runs)).toEqual(["lr", "model"]);
  });
});

import { sortRuns } from "./runfilter";

describe("sortRuns", () => {
  const rs = [
    { id: "a", name: "b-run", group: null, tags: [], status: "running", config: { lr: 3 }, created_at: 1, last_step: 10 },
    { id: "b", name: "A-run", group: "g", tags: [], status: "finished", config: {}, created_at: 2, last_step: null },
    { id: "c", name: "c-run", group: null, tags: [], status: "failed", config: { lr: 1 }, created_at: 3, last_step: 5 },
  ];
  it("sorts by name, case-insensitive, both directions", () => {
    expect(sortRuns(rs, "name", 1).map((r) => r.id)).toEqual(["b", "a", "c"]);
    expect(sortRuns(rs, "name", -1).map((r) => r.id)).toEqual(["c", "a", "b"]);
  });
  it("puts missing values last either way", () => {
    expect(sortRuns(rs, "last_step", 1).map((r) => r.id)).toEqual(["c", "a", "b"]);
    expect(sortRuns(rs, "last_step", -1).map((r) => r.id)).toEqual(["a", "c", "b"]);
    expect(sortRuns(rs, "config.lr", 1).map((r) => r.id)).toEqual(["c", "a", "b"]);
  });
  it("does not mutate", () => {
    const copy = [...rs];
    sortRuns(rs, "created_at", -1);
    expect(rs).toEqual(copy);
  });
});
