// Stream ids (docs/stream.md): opaque, fixed width, only grow.

/** Stream ids are fixed-width digit strings that only grow: compare by length, then text. */
export function idAfter(a, b) {
  if (b == null) return a != null;
  if (a == null) return false;
  return a.length !== b.length ? a.length > b.length : a > b;
}
