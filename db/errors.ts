/** node-postgres errors arrive either bare or wrapped by drizzle as `cause`. */
function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return current as { code?: string; constraint?: string };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function pgErrorCode(error: unknown): string | undefined {
  return pgError(error)?.code;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function isForeignKeyViolation(error: unknown): boolean {
  return pgError(error)?.code === '23503';
}

/**
 * A deadlock or serialization failure: PostgreSQL rolled the statement (its transaction) back as
 * a whole because of what ran beside it, so running it again may well succeed.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = pgError(error)?.code;
  return code === '40P01' || code === '40001';
}
