import { ValidationError } from './errors.ts';

/**
 * A page cursor that is a plain offset, for lists that do not change under the reader between
 * pages (a forecast run's series, open proposals between decisions). Opaque to clients.
 */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}

/** 0 without a cursor; a cursor this server did not give is a 422 naming `cursor`. */
export function decodeOffsetCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) throw ValidationError.field('cursor', 'is not a cursor this endpoint gave');
  return offset;
}
