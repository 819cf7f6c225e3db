/**
 * Text sizes for layout. The SVG uses fixed font sizes and a monospace face for events, so a width per
 * character is a close enough estimate; it errs wide so labels never overflow their boxes.
 */
export const FONT = {
  title: { size: 13, charWidth: 8.2 },
  line: { size: 11, charWidth: 6.8 },
  lineHeight: 15,
} as const;

export const NODE = {
  paddingX: 14,
  headerHeight: 30,
  minWidth: 84,
  compoundPadding: 14,
  initialSize: 12,
} as const;

export const titleWidth = (text: string): number => Math.ceil(text.length * FONT.title.charWidth);
export const lineWidth = (text: string): number => Math.ceil(text.length * FONT.line.charWidth);

/**
 * Lines a state shows under its name: its internal transitions, event and guard only (the actions
 * are in the JSON; in the drawing they would double the width of every box that has one).
 */
export const internalLines = (internal: { event: string; guard: string | null }[]): string[] =>
  [...new Set(internal.map((t) => `${t.event}${t.guard ? ` [${t.guard}]` : ""}`))];

export function headerSize(title: string, lines: string[]): { width: number; height: number } {
  const width = Math.max(NODE.minWidth, titleWidth(title), ...lines.map(lineWidth)) + 2 * NODE.paddingX;
  return { width, height: NODE.headerHeight + lines.length * FONT.lineHeight };
}

export function labelSize(lines: string[]): { width: number; height: number } {
  return { width: Math.max(...lines.map(lineWidth), 10) + 8, height: lines.length * FONT.lineHeight + 4 };
}
