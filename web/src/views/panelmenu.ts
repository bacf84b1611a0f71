// The ⋮ menu of a panel: x axis, y scale, smoothing, band, legend, size, insight marks,
// describe, downloads and link. Presentational: it reads the current settings and reports changes through
// callbacks; the panel owns the state.

import { xLabel } from "../lib/format";
import { SMOOTHING_LIMITS, type SmoothingKind } from "../lib/smoothing";
import { DEFAULT_PANEL, type PanelSettings } from "../lib/workspace";
import { h } from "./dom";

export interface PanelMenuActions {
  /** The server has an insights endpoint (or it is not known yet): offer marks. */
  insights: boolean;
  /** "Describe" toggles the description under the chart; null hides the item. */
  describe: { on: boolean; toggle: () => void } | null;
  change(patch: Partial<PanelSettings>): void;
  reset(): void;
  resetZoom: (() => void) | null;
  downloadCsv(): void;
  downloadPng(): void;
  copyLink(): void;
}

const SIZES: [string, number][] = [
  ["S", 160],
  ["M", DEFAULT_PANEL.height],
  ["L", 340],
  ["XL", 480],
];

let openMenu: { el: HTMLElement; close: () => void } | null = null;

export function closePanelMenu(): void {
  openMenu?.close();
}

function numberOrNull(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

export function openPanelMenu(anchor: HTMLElement, settings: PanelSettings, keys: readonly string[], actions: PanelMenuActions): void {
  closePanelMenu();
  const row = (label: string, ...control: (Node | string)[]): HTMLElement =>
    h("label", { class: "ss-menu-row" }, h("span", { class: "ss-menu-label" }, label), ...control);

  const xSel = h("select", { testid: "menu-x-axis" });
  for (const x of ["step", "wall", "relative", ...keys.map((k) => `metric:${k}`)]) {
    const opt = h("option", { value: x }, x.startsWith("metric:") ? `metric: ${xLabel(x)}` : xLabel(x));
    if (x === settings.x) opt.selected = true;
    xSel.appendChild(opt);
  }
  xSel.addEventListener("change", () => actions.change({ x: xSel.value }));

  const check = (testid: string, value: boolean, onChange: (v: boolean) => void): HTMLInputElement => {
    const c = h("input", { type: "checkbox", testid });
    c.checked = value;
    c.addEventListener("change", () => onChange(c.checked));
    return c;
  };

  const yMin = h("input", { type: "text", inputmode: "decimal", placeholder: "auto", testid: "menu-y-min", size: 6 });
  yMin.value = settings.yMin === null ? "" : String(settings.yMin);
  const yMax = h("input", { type: "text", inputmode: "decimal", placeholder: "auto", testid: "menu-y-max", size: 6 });
  yMax.value = settings.yMax === null ? "" : String(settings.yMax);
  const applyBounds = (): void => actions.change({ yMin: numberOrNull(yMin.value), yMax: numberOrNull(yMax.value) });
  for (const inp of [yMin, yMax]) {
    inp.addEventListener("change", applyBounds);
    inp.addEventListener("keydown", (e) => {
      if (e.key === "Enter") applyBounds();
    });
  }

  const kindSel = h("select", { testid: "menu-smoothing-kind" });
  const kinds: [SmoothingKind, string][] = [
    ["ema", "Exponential (debiased)"],
    ["mean", "Running average"],
    ["gaussian", "Gaussian"],
    ["none", "None"],
  ];
  for (const [k, label] of kinds) {
    const opt = h("option", { value: k }, label);
    if (k === settings.smoothing.kind) opt.selected = true;
    kindSel.appendChild(opt);
  }
  const param = h("input", { type: "range", testid: "menu-smoothing-param" });
  const paramText = h("input", { type: "text", inputmode: "decimal", size: 5, testid: "menu-smoothing-value" });
  const syncParam = (kind: SmoothingKind, value: number): void => {
    const lim = kind === "none" ? null : SMOOTHING_LIMITS[kind];
    param.disabled = paramText.disabled = lim === null;
    if (lim) {
      param.min = String(lim.min);
      param.max = String(lim.max);
      param.step = String(lim.step);
    }
    param.value = String(value);
    paramText.value = lim ? String(value) : "";
  };
  syncParam(settings.smoothing.kind, settings.smoothing.param);
  kindSel.addEventListener("change", () => {
    const kind = kindSel.value as SmoothingKind;
    const def = kind === "ema" ? 0.6 : kind === "mean" ? 10 : kind === "gaussian" ? 2 : 0;
    syncParam(kind, def);
    actions.change({ smoothing: { kind, param: def } });
  });
  param.addEventListener("input", () => {
    paramText.value = param.value;
    actions.change({ smoothing: { kind: kindSel.value as SmoothingKind, param: Number(param.value) } });
  });
  paramText.addEventListener("change", () => {
    const v = numberOrNull(paramText.value);
    if (v === null) return;
    param.value = String(v);
    actions.change({ smoothing: { kind: kindSel.value as SmoothingKind, param: v } });
  });

  const sizes = h("span", { class: "ss-seg" });
  for (const [label, px] of SIZES) {
    const b = h("button", { type: "button", class: settings.height === px ? "on" : "", testid: `menu-size-${label.toLowerCase()}` }, label);
    b.addEventListener("click", () => {
      actions.change({ height: px });
      for (const s of sizes.children) s.classList.toggle("on", s === b);
    });
    sizes.appendChild(b);
  }

  const item = (testid: string, label: string, fn: () => void): HTMLButtonElement =>
    h("button", {
      type: "button",
      class: "ss-menu-item",
      testid,
      onclick: () => {
        close();
        fn();
      },
    }, label);

  const el = h(
    "div",
    { class: "ss-menu", testid: "panel-menu-popover", role: "menu" },
    h("div", { class: "ss-menu-section" }, "Axes"),
    row("X axis", xSel),
    row("Log scale", check("menu-log", settings.log, (v) => actions.change({ log: v }))),
    row("Ignore outliers", check("menu-ignore-outliers", settings.ignoreOutliers, (v) => actions.change({ ignoreOutliers: v }))),
    row("Y min / max", h("span", { class: "ss-pair" }, yMin, yMax)),
    h("div", { class: "ss-menu-section" }, "Lines"),
    row("Smoothing", kindSel),
    row("Strength", h("span", { class: "ss-pair" }, param, paramText)),
    row("Min/max band", check("menu-band", settings.band, (v) => actions.change({ band: v }))),
    row("Show legend", check("menu-legend", settings.legend, (v) => actions.change({ legend: v }))),
    row("Size", sizes),
    actions.insights ? h("div", { class: "ss-menu-section" }, "Insights") : null,
    actions.insights ? row("Show insight marks", check("menu-marks", settings.marks, (v) => actions.change({ marks: v }))) : null,
    actions.describe
      ? h("button", {
          type: "button",
          class: "ss-menu-item",
          testid: "menu-describe",
          "aria-pressed": String(actions.describe.on),
          onclick: () => {
            close();
            actions.describe?.toggle();
          },
        }, actions.describe.on ? "Hide description" : "Describe")
      : null,
    h("div", { class: "ss-menu-sep" }),
    actions.resetZoom ? item("menu-reset-zoom", "Reset zoom", actions.resetZoom) : null,
    item("menu-download-csv", "Download CSV", actions.downloadCsv),
    item("menu-download-png", "Download PNG", actions.downloadPng),
    item("menu-copy-link", "Copy link", actions.copyLink),
    item("menu-reset", "Reset panel settings", actions.reset),
  );

  document.body.appendChild(el);
  const r = anchor.getBoundingClientRect();
  const w = el.offsetWidth;
  const left = Math.max(8, Math.min(window.innerWidth - w - 8, r.right - w));
  const top = r.bottom + 4 + el.offsetHeight > window.innerHeight ? Math.max(8, r.top - el.offsetHeight - 4) : r.bottom + 4;
  el.style.left = `${left + window.scrollX}px`;
  el.style.top = `${top + window.scrollY}px`;

  const onDown = (e: Event): void => {
    if (!el.contains(e.target as Node) && !anchor.contains(e.target as Node)) close();
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
  };
  function close(): void {
    el.remove();
    document.removeEventListener("pointerdown", onDown, true);
    document.removeEventListener("keydown", onKey, true);
    anchor.setAttribute("aria-expanded", "false");
    if (openMenu?.el === el) openMenu = null;
  }
  document.addEventListener("pointerdown", onDown, true);
  document.addEventListener("keydown", onKey, true);
  anchor.setAttribute("aria-expanded", "true");
  openMenu = { el, close };
}
