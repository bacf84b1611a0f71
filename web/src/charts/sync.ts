// Crosshair sync across panels. Panels join a group per x axis kind (a step crosshair
// means nothing on a wall-time panel). Only mouse moves are shared: a drag in one panel
// zooms that panel alone, so mousedown/mouseup are not published.

import type uPlot from "uplot";
import type { XKind } from "../lib/format";

const SHARED = new Set(["mousemove", "mouseleave", "mouseenter"]);

export function syncKey(kind: XKind): string {
  return `stepscope-x-${kind}`;
}

export function syncOptions(kind: XKind): uPlot.Cursor.Sync {
  return {
    key: syncKey(kind),
    setSeries: false,
    scales: ["x", null],
    filters: {
      pub: (type) => SHARED.has(type),
    },
  };
}
