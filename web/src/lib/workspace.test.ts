import { describe, expect, it } from "vitest";
import {
  DEFAULT_PANEL, emptyWorkspace, normalizeWorkspace, panelSettings, soloHidden, toggleCollapsed,
  toggleHidden, updatePanel, visibleRunIds,
} from "./workspace";

describe("normalizeWorkspace", () => {
  it("returns an empty workspace for junk", () => {
    expect(normalizeWorkspace(null)).toEqual(emptyWorkspace());
    expect(normalizeWorkspace([1, 2])).toEqual(emptyWorkspace());
    expect(normalizeWorkspace({})).toEqual(emptyWorkspace());
  });
  it("keeps well-formed fields and drops the rest", () => {
    const ws = normalizeWorkspace({
      pins: ["a", "a", 3, "b"],
      hidden: "x",
      colors: { r1: "#AABBCC", r2: "blue" },
      panels: {
        k: { x: "metric:train/tokens", log: true, height: 5000, smoothing: { kind: "ema", param: 2 }, junk: 1 },
        bad: { x: "sideways" },
      },
      extra: true,
    });
    expect(ws.pins).toEqual(["a", "b"]);
    expect(ws.hidden).toEqual([]);
    expect(ws.colors).toEqual({ r1: "#aabbcc" });
    expect(ws.panels).toEqual({ k: { x: "metric:train/tokens", log: true, height: 900, smoothing: { kind: "ema", param: 0.999 } } });
  });
});

describe("panel settings", () => {
  it("layers defaults", () => {
    const ws = { ...emptyWorkspace(), defaults: { band: false }, panels: { k: { log: true } } };
    expect(panelSettings(ws, "k")).toEqual({ ...DEFAULT_PANEL, band: false, log: true });
    expect(panelSettings(ws, "other")).toEqual({ ...DEFAULT_PANEL, band: false });
  });
  it("stores only differences", () => {
    let ws = updatePanel(emptyWorkspace(), "k", { log: true, band: DEFAULT_PANEL.band });
    expect(ws.panels).toEqual({ k: { log: true } });
    ws = updatePanel(ws, "k", { log: false });
    expect(ws.panels).toEqual({});
  });
  it("keeps insight marks on by default, stores only turning them off", () => {
    expect(DEFAULT_PANEL.marks).toBe(true);
    const ws = updatePanel(emptyWorkspace(), "k", { marks: false });
    expect(ws.panels).toEqual({ k: { marks: false } });
    expect(normalizeWorkspace({ panels: { k: { marks: false }, j: { marks: "no" } } }).panels).toEqual({ k: { marks: false } });
    expect(updatePanel(ws, "k", { marks: true }).panels).toEqual({});
  });
  it("does not mutate", () => {
    const ws = emptyWorkspace();
    updatePanel(ws, "k", { log: true });
    expect(ws.panels).toEqual({});
  });
});

describe("visibility", () => {
  it("hides and solos", () => {
    expect(visibleRunIds(["a", "b", "c"], ["b"])).toEqual(["a", "c"]);
    expect(toggleHidden(["b"], "b")).toEqual([]);
    expect(toggleHidden([], "b")).toEqual(["b"]);
    expect(soloHidden(["a", "b", "c"], ["b"])).toEqual(["a", "c"]);
  });
  it("collapses", () => {
    expect(toggleCollapsed(["x"], "x")).toEqual([]);
    expect(toggleCollapsed([], "x")).toEqual(["x"]);
  });
});
