// Tokens as the client sees them: when they expire and whose they are (never verified here).

/** A claim of a JWT's payload, or null. */
export function jwtClaim(token, name) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)))[name] ?? null;
  } catch { return null; }
}

/** The `exp` of a JWT in ms (only to renew in time), or null. */
export function jwtExpiry(token) {
  const exp = jwtClaim(token, 'exp');
  return Number.isFinite(exp) ? exp * 1000 : null;
}
