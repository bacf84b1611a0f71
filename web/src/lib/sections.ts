// Grouping of metric keys into the panel grid's sections: "Pinned" first (in pin order),
// then one section per key prefix in the order the keys API gives.

export const PINNED_SECTION = "__pinned__";

export interface KeyLike {
  key: string;
  section?: string;
}

export interface SectionGroup {
  id: string;
  title: string;
  keys: string[];
}

/** A key's section: its text before the first `/`, or "" when it has none. */
export function sectionOf(key: string): string {
  const i = key.indexOf("/");
  return i > 0 ? key.slice(0, i) : "";
}

export function sectionTitle(section: string): string {
  if (section === PINNED_SECTION) return "Pinned";
  return section === "" ? "Charts" : section;
}

/** Compile a panel search: `/re/` is a regular expression, anything else a
 * case-insensitive substring. An invalid expression matches nothing rather than throwing. */
export function keyMatcher(query: string): (key: string) => boolean {
  const q = query.trim();
  if (q === "") return () => true;
  if (q.length > 2 && q.startsWith("/") && q.endsWith("/")) {
    try {
      const re = new RegExp(q.slice(1, -1), "i");
      return (key) => re.test(key);
    } catch {
      return () => false;
    }
  }
  const lower = q.toLowerCase();
  return (key) => key.toLowerCase().includes(lower);
}

export function groupSections(
  keys: readonly KeyLike[],
  sectionOrder: readonly string[],
  pins: readonly string[],
  query = "",
): SectionGroup[] {
  const match = keyMatcher(query);
  const known = new Set(keys.map((k) => k.key));
  const pinned = pins.filter((k, i) => known.has(k) && pins.indexOf(k) === i && match(k));
  const pinnedSet = new Set(pins);
  const bySection = new Map<string, string[]>();
  for (const s of sectionOrder) bySection.set(s, []);
  for (const k of keys) {
    if (pinnedSet.has(k.key) || !match(k.key)) continue;
    const s = k.section ?? sectionOf(k.key);
    let list = bySection.get(s);
    if (!list) {
      list = [];
      bySection.set(s, list);
    }
    list.push(k.key);
  }
  const out: SectionGroup[] = [];
  if (pinned.length > 0) out.push({ id: PINNED_SECTION, title: "Pinned", keys: pinned });
  for (const [id, list] of bySection) {
    if (list.length > 0) out.push({ id, title: sectionTitle(id), keys: list });
  }
  return out;
}

/** Toggle a key's pin; a new pin goes last. */
export function togglePin(pins: readonly string[], key: string): string[] {
  return pins.includes(key) ? pins.filter((k) => k !== key) : [...pins, key];
}
