// Tokens as the client sees them: only when they expire (never verified here).

/** The `exp` of a JWT in ms (not verified: only to renew in time), or null. */
export function jwtExpiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const exp = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))).exp;
    return Number.isFinite(exp) ? exp * 1000 : null;
  } catch { return null; }
}
