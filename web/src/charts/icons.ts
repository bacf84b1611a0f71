// Inline SVG icons (pin, expand, kebab menu, eye, close, ...), 16px, stroke = currentColor.

const PATHS: Record<string, string> = {
  pin: '<path d="M9.5 2.5l4 4-2.2.8-2.6 2.6.3 3.1-1 1-2.4-2.4L3 14.2l-.2-.2L5.4 11 3 8.6l1-1 3.1.3 2.6-2.6z"/>',
  pinned: '<path fill="currentColor" d="M9.5 2.5l4 4-2.2.8-2.6 2.6.3 3.1-1 1-2.4-2.4L3 14.2l-.2-.2L5.4 11 3 8.6l1-1 3.1.3 2.6-2.6z"/>',
  expand: '<path d="M9.5 2.5h4v4M13.5 2.5L9 7M6.5 13.5h-4v-4M2.5 13.5L7 9"/>',
  kebab: '<circle cx="8" cy="3.5" r="1.1" fill="currentColor" stroke="none"/><circle cx="8" cy="8" r="1.1" fill="currentColor" stroke="none"/><circle cx="8" cy="12.5" r="1.1" fill="currentColor" stroke="none"/>',
  eye: '<path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z"/><circle cx="8" cy="8" r="2"/>',
  eyeOff: '<path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" opacity=".45"/><path d="M2.5 2.5l11 11"/>',
  close: '<path d="M3.5 3.5l9 9M12.5 3.5l-9 9"/>',
  chevron: '<path d="M4.5 6l3.5 3.5L11.5 6"/>',
  solo: '<circle cx="8" cy="8" r="5.5"/><circle cx="8" cy="8" r="2" fill="currentColor" stroke="none"/>',
  search: '<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5l3 3"/>',
};

export type IconName = keyof typeof PATHS;

export function icon(name: IconName, size = 16): string {
  return `<svg class="ss-icon" width="${size}" height="${size}" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${PATHS[name] ?? ""}</svg>`;
}
