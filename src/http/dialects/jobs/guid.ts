/**
 * Job ids as the Crystite API reads them: .NET `Guid.TryParse`. Surrounding whitespace is ignored
 * and every standard format is accepted, in any case:
 * - D `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`   - N 32 hex digits
 * - B `{D}`                                     - P `(D)`
 * - X `{0xXXXXXXXX,0xXXXX,0xXXXX,{0xXX,0xXX,0xXX,0xXX,0xXX,0xXX,0xXX,0xXX}}` (whitespace allowed inside,
 *   each number 1+ hex digits that fit its width).
 * Returns the canonical lowercase D form, or null when .NET would refuse it (the route answers 400).
 */
const D_FORM = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;
const N_FORM = /^[0-9a-f]{32}$/i;
const X_FORM =
  /^\{0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),\{0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+)\}\}$/i;
const X_WIDTHS = [8, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2];

export function parseGuid(raw: string): string | null {
  const s = raw.trim();
  switch (s[0]) {
    case undefined:
      return null;
    case "(":
      return s.endsWith(")") ? fromD(s.slice(1, -1)) : null;
    case "{":
      if (!s.includes("-")) return fromX(s);
      return s.endsWith("}") ? fromD(s.slice(1, -1)) : null;
    default:
      return s.includes("-") ? fromD(s) : fromN(s);
  }
}

function fromD(s: string): string | null {
  return D_FORM.test(s) ? s.toLowerCase() : null;
}

function fromN(s: string): string | null {
  if (!N_FORM.test(s)) return null;
  const h = s.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function fromX(s: string): string | null {
  const match = X_FORM.exec(s.replace(/\s+/g, ""));
  if (!match) return null;
  const parts: string[] = [];
  for (let i = 0; i < X_WIDTHS.length; i++) {
    const width = X_WIDTHS[i] ?? 0;
    const digits = (match[i + 1] ?? "").replace(/^0+/, "");
    if (digits.length > width) return null; // overflow: .NET refuses it
    parts.push(digits.padStart(width, "0").toLowerCase());
  }
  return fromN(parts.join(""));
}
