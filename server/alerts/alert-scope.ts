import { sql, type SQL } from 'drizzle-orm';
import { alerts } from '#db/schema/alerts.ts';
import type { Actor } from '#server/auth/actor.ts';
import type { AlertRow } from './alert-view.ts';

/** The locations an actor is limited to, or null (sees every alert). */
export function limitedLocations(actor: Actor | null): string[] | null {
  return actor?.kind === 'user' ? actor.locationIds : null;
}

/** Staff limited to locations see the alerts about their locations only (network-wide ones are not theirs). */
export function mayActOnAlert(actor: Actor | null, alert: Pick<AlertRow, 'locationId'>): boolean {
  const limited = limitedLocations(actor);
  return limited === null || (alert.locationId !== null && limited.includes(alert.locationId));
}

/** The same rule as a condition on `alerts`, for listings. */
export function visibleAlertsSql(actor: Actor | null): SQL | undefined {
  const limited = limitedLocations(actor);
  if (limited === null) return undefined;
  return sql`${alerts.locationId} = any(${sql.param(limited)}::uuid[])`;
}
