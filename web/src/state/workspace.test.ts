import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const { FakeApiError, server } = vi.hoisted(() => {
  class FakeApiError extends Error {
    constructor(readonly status: number) {
      super(`status ${status}`);
    }
  }
  const server = { state: {} as Record<string, unknown>, version: 0, puts: 0, failNext: 0 };
  return { FakeApiError, server };
});
vi.mock("../api/client", () => ({
  ApiError: FakeApiError,
  getWorkspace: async () => ({ state: server.state, version: server.version }),
  putWorkspace: async (_p: string, doc: { state: Record<string, unknown>; version: number }) => {
    server.puts++;
    if (server.failNext) {
      const status = server.failNext;
      server.failNext = 0;
      throw new FakeApiError(status);
    }
    if (doc.version !== server.version) throw new FakeApiError(409);
    server.state = doc.state;
    server.version++;
    return server.version;
  },
}));

import { WorkspaceStore } from "./workspace";

beforeEach(() => {
  Object.assign(server, { state: { pins: ["a"] }, version: 3, puts: 0, failNext: 0 });
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("WorkspaceStore", () => {
  it("loads and normalises", async () => {
    const s = new WorkspaceStore("p");
    await s.load();
    expect(s.state.pins).toEqual(["a"]);
    expect(s.status).toBe("saved");
  });
  it("debounces saves and sends the version", async () => {
    const s = new WorkspaceStore("p", 100);
    await s.load();
    s.update((ws) => ({ ...ws, pins: [...ws.pins, "b"] }));
    s.update((ws) => ({ ...ws, pins: [...ws.pins, "c"] }));
    expect(s.status).toBe("pending");
    await vi.advanceTimersByTimeAsync(150);
    expect(server.puts).toBe(1);
    expect(server.version).toBe(4);
    expect((server.state as { pins: string[] }).pins).toEqual(["a", "b", "c"]);
    expect(s.status).toBe("saved");
  });
  it("on 409 takes the server version and saves again", async () => {
    const s = new WorkspaceStore("p", 10);
    await s.load();
    server.version = 7; // another tab saved meanwhile
    s.update((ws) => ({ ...ws, hidden: ["r1"] }));
    await vi.advanceTimersByTimeAsync(50);
    expect(server.puts).toBe(2);
    expect(server.version).toBe(8);
    expect((server.state as { hidden: string[] }).hidden).toEqual(["r1"]);
  });
  it("reports errors and stays dirty", async () => {
    const s = new WorkspaceStore("p", 10);
    await s.load();
    server.failNext = 500;
    s.update((ws) => ({ ...ws, hidden: ["r1"] }));
    await vi.advanceTimersByTimeAsync(50);
    expect(s.status).toBe("error");
  });
  it("notifies subscribers with the previous state", async () => {
    const s = new WorkspaceStore("p", 10);
    await s.load();
    const seen: string[][] = [];
    s.subscribe((next, prev) => seen.push([...prev.pins, "->", ...next.pins]));
    s.update((ws) => ({ ...ws, pins: [] }));
    expect(seen).toEqual([["a", "->"]]);
  });
  it("flush saves at once", async () => {
    const s = new WorkspaceStore("p", 10_000);
    await s.load();
    s.update((ws) => ({ ...ws, pins: [] }));
    s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.puts).toBe(1);
  });
});
