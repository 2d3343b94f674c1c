import type { Alert, AlertSeverity, Location } from '../../lib/api/types.ts';

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function severityRank(severity: string): number {
  return RANK[severity as AlertSeverity] ?? -1;
}

/** `stuck_orders` → `Stuck orders` */
export function ruleLabel(rule: string): string {
  const text = rule.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

type Named = Pick<Location, 'id' | 'code' | 'name'>;

function locationName(id: string, locations: readonly Named[]): string {
  const location = locations.find((candidate) => candidate.id === id);
  return location ? `${location.code} · ${location.name}` : `location ${id.slice(0, 8)}`;
}

/**
 * What an alert is about, in words: `location:<id>` → its code and name, `sku:<sku>@<id>` → the
 * SKU at that location, `carrier:<name>`, `network` → "Whole network".
 */
export function subjectLabel(alert: Pick<Alert, 'subject' | 'locationId'>, locations: readonly Named[]): string {
  const [kind, ...rest] = alert.subject.split(':');
  const value = rest.join(':');
  if (kind === 'location' && value) return locationName(value, locations);
  if (kind === 'sku' && value) {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value.slice(0, at)} at ${locationName(value.slice(at + 1), locations)}` : value;
  }
  if (kind === 'carrier' && value) return `Carrier ${value}`;
  if (kind === 'network') return 'Whole network';
  return alert.locationId ? locationName(alert.locationId, locations) : alert.subject;
}

/** The ids an alert's `affected` lists under `key` (orders, skus), ignoring anything else. */
export function affectedList(affected: Record<string, unknown>, key: string): string[] {
  const value = affected[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export type MeasuredTable = { columns: string[]; rows: { key: string; cells: string[] }[] };

/**
 * An alert's `measured` values laid out: scalar values as one row each (`value` column); an
 * object of objects (`stages: {pick: {orders, oldestMinutes, slaMinutes}}`) as a table whose
 * rows are its keys and columns the inner keys.
 */
export function measuredTables(measured: Record<string, unknown>, text: (value: unknown) => string): { title: string; table: MeasuredTable }[] {
  const scalars: MeasuredTable = { columns: ['value'], rows: [] };
  const tables: { title: string; table: MeasuredTable }[] = [];
  for (const [key, value] of Object.entries(measured)) {
    const nested = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : null;
    if (nested && nested.length > 0 && nested.every(([, inner]) => inner !== null && typeof inner === 'object' && !Array.isArray(inner))) {
      const columns = [...new Set(nested.flatMap(([, inner]) => Object.keys(inner as object)))];
      tables.push({ title: key, table: { columns, rows: nested.map(([row, inner]) => ({ key: row, cells: columns.map((c) => (Object.hasOwn(inner as object, c) ? text((inner as Record<string, unknown>)[c]) : '')) })) } });
    } else {
      scalars.rows.push({ key, cells: [text(value)] });
    }
  }
  return scalars.rows.length > 0 ? [{ title: '', table: scalars }, ...tables] : tables;
}
