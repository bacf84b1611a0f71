import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCoalescer, debounce } from "./schedule";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("debounce", () => {
  it("runs once after quiet", () => {
    const fn = vi.fn();
    const d = debounce(fn, 100);
    d();
    d();
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    d();
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
  });
  it("flush and cancel", () => {
    const fn = vi.fn();
    const d = debounce(fn, 100);
    d();
    expect(d.pending()).toBe(true);
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    d();
    d.cancel();
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe("createCoalescer", () => {
  it("merges a burst into one flush of distinct items", () => {
    const calls: string[][] = [];
    const c = createCoalescer<string>((s) => calls.push([...s].sort()), 250);
    c.add(["a", "b"]);
    c.add(["b", "c"]);
    vi.advanceTimersByTime(0);
    expect(calls).toEqual([["a", "b", "c"]]);
  });
  it("flushes at most once per interval", () => {
    const calls: string[][] = [];
    const c = createCoalescer<string>((s) => calls.push([...s]), 250);
    c.add(["a"]);
    vi.advanceTimersByTime(0);
    for (let i = 0; i < 10; i++) {
      c.add([`k${i}`]);
      vi.advanceTimersByTime(20);
    }
    expect(calls.length).toBe(1);
    vi.advanceTimersByTime(250);
    expect(calls.length).toBe(2);
    expect(calls[1]!.length).toBe(10);
  });
  it("dispose drops pending items", () => {
    const fn = vi.fn();
    const c = createCoalescer<string>(fn, 250);
    c.add(["a"]);
    c.dispose();
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    expect(c.size()).toBe(0);
  });
});
