// Run colors. A run keeps the same color in every panel and after reloads: it is picked
// by the run's rank in creation order (created_at, then id), unless the run carries a
// user override. The first two colors are red and blue, as in the reference dashboard.

export const BASE_PALETTE: readonly string[] = [
  "#e5484d", // red
  "#3e63dd", // blue
  "#30a46c", // green
  "#f76b15", // orange
  "#8e4ec6", // purple
  "#12a594", // teal
  "#d6409f", // pink
  "#978365", // bronze
  "#0090ff", // sky
  "#ad7f58", // brown
  "#5b5bd6", // iris
  "#a18072", // mocha
  "#e54666", // ruby
  "#46a758", // grass
  "#ca8a04", // amber (darkened to read on white)
  "#6e56cf", // violet
];

const HEX = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === "string" && HEX.test(value);
}

/** Color for the n-th run in creation order (n >= 0). Beyond the base palette, hues
 * advance by the golden angle so neighbours stay far apart. */
export function paletteColor(index: number): string {
  const i = Math.max(0, Math.floor(index));
  const base = BASE_PALETTE[i];
  if (base !== undefined) return base;
  const k = i - BASE_PALETTE.length;
  const hue = (20 + k * 137.508) % 360;
  const light = k % 2 === 0 ? 45 : 38;
  return hslToHex(hue, 62, light);
}

export function hslToHex(h: number, s: number, l: number): string {
  const sat = s / 100;
  const lig = l / 100;
  const a = sat * Math.min(lig, 1 - lig);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export interface ColorableRun {
  id: string;
  created_at: number;
  color: string | null;
}

/** Creation-order rank comparator: created_at, then id. */
export function byCreation(a: ColorableRun, b: ColorableRun): number {
  if (a.created_at !== b.created_at) return a.created_at - b.created_at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Map run id → color. `overrides` (e.g. from the workspace) apply when the run itself has
 * no valid `color`. */
export function assignColors(
  runs: readonly ColorableRun[],
  overrides: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const ordered = [...runs].sort(byCreation);
  const out = new Map<string, string>();
  ordered.forEach((run, i) => {
    const own = run.color;
    const fallback = overrides[run.id];
    out.set(
      run.id,
      isHexColor(own) ? own.toLowerCase() : isHexColor(fallback) ? fallback.toLowerCase() : paletteColor(i),
    );
  });
  return out;
}

/** `#rrggbb` + alpha (0..1) → `rgba(...)`, for faint raw lines and bands. */
export function withAlpha(hex: string, alpha: number): string {
  if (!isHexColor(hex)) return hex;
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return `rgba(${r},${g},${b},${alpha})`;
}
