import { describe, expect, it } from "vitest";
import { formatRoute, panelLink, parseRoute } from "./urlstate";

describe("parseRoute", () => {
  it("project list", () => {
    expect(parseRoute("/", "")).toEqual({ view: "projects" });
    expect(parseRoute("/index.html", "")).toEqual({ view: "projects" });
  });
  it("workspace by path and by hash", () => {
    expect(parseRoute("/p/seed-replica", "")).toEqual({ view: "workspace", project: "seed-replica", panel: null });
    expect(parseRoute("/", "", "#/p/seed-replica")).toEqual({ view: "workspace", project: "seed-replica", panel: null });
  });
  it("panel parameter, encoded or not", () => {
    expect(parseRoute("/p/x", "?panel=actor%2Fkl_loss")).toEqual({ view: "workspace", project: "x", panel: "actor/kl_loss" });
    expect(parseRoute("/p/x", "?panel=actor/kl_loss")).toEqual({ view: "workspace", project: "x", panel: "actor/kl_loss" });
    expect(parseRoute("/", "", "#/p/x?panel=actor/kl_loss")).toEqual({ view: "workspace", project: "x", panel: "actor/kl_loss" });
  });
  it("insights and unknown", () => {
    expect(parseRoute("/p/x/insights", "")).toEqual({ view: "insights", project: "x" });
    expect(parseRoute("/nope", "")).toEqual({ view: "notfound", path: "/nope" });
    expect(parseRoute("/p/%E0%A4%A", "").view).toBe("notfound");
  });
});

describe("formatRoute", () => {
  it("round-trips", () => {
    const routes = [
      { view: "projects" as const },
      { view: "workspace" as const, project: "seed-replica", panel: null },
      { view: "workspace" as const, project: "p", panel: "eval/math-eval/accuracy/mean" },
      { view: "insights" as const, project: "p" },
    ];
    for (const r of routes) {
      const url = new URL(formatRoute(r), "http://h");
      expect(parseRoute(url.pathname, url.search)).toEqual(r);
    }
  });
  it("panelLink", () => {
    expect(panelLink("http://127.0.0.1:8000/", "p", "actor/kl_loss")).toBe("http://127.0.0.1:8000/p/p?panel=actor%2Fkl_loss");
  });
});
