import { describe, expect, it } from "vitest";
import { groupSections, keyMatcher, PINNED_SECTION, sectionOf, sectionTitle, togglePin } from "./sections";

const keys = [
  { key: "eval/math-eval/accuracy/mean", section: "eval" },
  { key: "actor/entropy_loss", section: "actor" },
  { key: "actor/kl_loss", section: "actor" },
  { key: "loss", section: "" },
];

describe("sectionOf", () => {
  it("takes the prefix before the first slash", () => {
    expect(sectionOf("eval/math-eval/accuracy/mean")).toBe("eval");
    expect(sectionOf("loss")).toBe("");
    expect(sectionOf("/odd")).toBe("");
  });
  it("titles", () => {
    expect(sectionTitle("")).toBe("Charts");
    expect(sectionTitle(PINNED_SECTION)).toBe("Pinned");
    expect(sectionTitle("actor")).toBe("actor");
  });
});

describe("groupSections", () => {
  it("follows the API order", () => {
    const g = groupSections(keys, ["eval", "actor", ""], []);
    expect(g.map((s) => s.id)).toEqual(["eval", "actor", ""]);
    expect(g[1]!.keys).toEqual(["actor/entropy_loss", "actor/kl_loss"]);
  });
  it("puts pins first, in pin order, and removes them from their section", () => {
    const g = groupSections(keys, ["eval", "actor", ""], ["actor/kl_loss", "loss"]);
    expect(g[0]).toEqual({ id: PINNED_SECTION, title: "Pinned", keys: ["actor/kl_loss", "loss"] });
    expect(g.map((s) => s.id)).toEqual([PINNED_SECTION, "eval", "actor"]);
    expect(g[2]!.keys).toEqual(["actor/entropy_loss"]);
  });
  it("ignores pins of unknown keys and duplicate pins", () => {
    const g = groupSections(keys, [], ["gone", "loss", "loss"]);
    expect(g[0]!.keys).toEqual(["loss"]);
  });
  it("adds sections missing from the order at the end, by first appearance", () => {
    const g = groupSections(keys, ["actor"], []);
    expect(g.map((s) => s.id)).toEqual(["actor", "eval", ""]);
  });
  it("filters by query", () => {
    const g = groupSections(keys, [], ["loss"], "kl");
    expect(g.map((s) => s.keys)).toEqual([["actor/kl_loss"]]);
    const r = groupSections(keys, [], [], "/^actor/");
    expect(r.flatMap((s) => s.keys)).toEqual(["actor/entropy_loss", "actor/kl_loss"]);
  });
});

describe("keyMatcher", () => {
  it("substring, case-insensitive", () => {
    expect(keyMatcher("KL")("actor/kl_loss")).toBe(true);
    expect(keyMatcher("")("x")).toBe(true);
  });
  it("invalid regex matches nothing", () => {
    expect(keyMatcher("/(/")("anything")).toBe(false);
  });
});

describe("togglePin", () => {
  it("adds last and removes", () => {
    expect(togglePin(["a"], "b")).toEqual(["a", "b"]);
    expect(togglePin(["a", "b"], "a")).toEqual(["b"]);
  });
});
