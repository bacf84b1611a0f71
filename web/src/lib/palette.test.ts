import { describe, expect, it } from "vitest";
import { assignColors, BASE_PALETTE, hslToHex, isHexColor, paletteColor, withAlpha } from "./palette";

describe("paletteColor", () => {
  it("starts with red then blue", () => {
    expect(paletteColor(0)).toBe("#e5484d");
    expect(paletteColor(1)).toBe("#3e63dd");
  });
  it("is deterministic and valid beyond the base palette", () => {
    for (let i = 0; i < 200; i++) {
      expect(isHexColor(paletteColor(i))).toBe(true);
      expect(paletteColor(i)).toBe(paletteColor(i));
    }
  });
  it("gives distinct colors for the first 64 runs", () => {
    const colors = new Set(Array.from({ length: 64 }, (_, i) => paletteColor(i)));
    expect(colors.size).toBe(64);
  });
  it("base palette has no duplicates", () => {
    expect(new Set(BASE_PALETTE).size).toBe(BASE_PALETTE.length);
  });
});

describe("assignColors", () => {
  const runs = [
    { id: "b", created_at: 20, color: null },
    { id: "a", created_at: 10, color: null },
    { id: "c", created_at: 20, color: null },
  ];
  it("orders by created_at then id, independent of input order", () => {
    const m = assignColors(runs);
    expect(m.get("a")).toBe("#e5484d");
    expect(m.get("b")).toBe("#3e63dd");
    expect(m.get("c")).toBe(paletteColor(2));
    const m2 = assignColors([...runs].reverse());
    expect([...m2.entries()].sort()).toEqual([...m.entries()].sort());
  });
  it("honours a run color override, then a workspace override", () => {
    const m = assignColors([{ id: "a", created_at: 1, color: "#00FF00" }, { id: "b", created_at: 2, color: null }], {
      b: "#123456",
    });
    expect(m.get("a")).toBe("#00ff00");
    expect(m.get("b")).toBe("#123456");
  });
  it("ignores malformed overrides", () => {
    const m = assignColors([{ id: "a", created_at: 1, color: "red" }]);
    expect(m.get("a")).toBe("#e5484d");
  });
  it("keeps earlier colors when a newer run appears", () => {
    const before = assignColors(runs);
    const after = assignColors([...runs, { id: "z", created_at: 99, color: null }]);
    for (const [id, c] of before) expect(after.get(id)).toBe(c);
  });
});

describe("helpers", () => {
  it("hslToHex converts primaries", () => {
    expect(hslToHex(0, 100, 50)).toBe("#ff0000");
    expect(hslToHex(120, 100, 50)).toBe("#00ff00");
    expect(hslToHex(240, 100, 50)).toBe("#0000ff");
  });
  it("withAlpha", () => {
    expect(withAlpha("#ff0080", 0.5)).toBe("rgba(255,0,128,0.5)");
    expect(withAlpha("nope", 0.5)).toBe("nope");
  });
});
