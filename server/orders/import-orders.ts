import { DomainError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { groupImportRows, locateError, readImportCsv, type ImportError, type LocatedError, type OrderGroup } from './order-import-csv.ts';
import { placeOrder } from './place-order.ts';

/** Orders placed at once: enough to make a large file quick, few enough to leave the pool to live traffic. */
export const IMPORT_CONCURRENCY = 4;

export type ImportRowResult = {
  /** Line of the file where the row starts; the header is line 1. */
  row: number;
  externalRef: string | null;
} & (
  | { result: 'created' | 'duplicate'; orderId: string; orderNumber: string }
  | { result: 'error'; errors: ImportError[] }
);

export interface ImportSummary {
  rows: number;
  orders: number;
  created: number;
  duplicates: number;
  failed: number;
}

export interface ImportResult {
  summary: ImportSummary;
  rows: ImportRowResult[];
}

type GroupOutcome = { result: 'created' | 'duplicate'; orderId: string; orderNumber: string } | { result: 'error'; errors: LocatedError[] };

/**
 * Places every order of a B2B CSV file. Each order is placed on its own with a key derived
 * from its channel and externalRef, so a failed order never blocks the others and a file
 * uploaded twice never places an order twice. A file that is unreadable as a whole is refused.
 */
export async function importOrders(
  ctx: ServiceContext,
  csvText: string,
  scope: { mayUseChannel: (channel: string) => boolean } = { mayUseChannel: () => true },
): Promise<ImportResult> {
  const rows = readImportCsv(csvText);
  const groups = groupImportRows(rows);
  const outcomes = await mapBounded(groups, IMPORT_CONCURRENCY, (group) => placeGroup(ctx, group, scope));

  const byLine = new Map<number, ImportRowResult>();
  const summary: ImportSummary = { rows: rows.length, orders: groups.length, created: 0, duplicates: 0, failed: 0 };
  groups.forEach((group, i) => {
    const outcome = outcomes[i]!;
    if (outcome.result === 'error') {
      summary.failed += 1;
      for (const [line, errors] of errorsByLine(group.lines, outcome.errors)) byLine.set(line, { row: line, externalRef: group.externalRef, result: 'error', errors });
    } else {
      summary[outcome.result === 'created' ? 'created' : 'duplicates'] += 1;
      for (const line of group.lines) byLine.set(line, { row: line, externalRef: group.externalRef, ...outcome });
    }
  });
  ctx.logger.info({ import: summary }, 'order file imported');
  return { summary, rows: rows.map((row) => byLine.get(row.line)!) };
}

async function placeGroup(ctx: ServiceContext, group: OrderGroup, scope: { mayUseChannel: (channel: string) => boolean }): Promise<GroupOutcome> {
  if (!group.ok) return { result: 'error', errors: group.errors };
  if (!scope.mayUseChannel(group.input.channel)) {
    const message = `this API token may not create orders on the ${group.input.channel} channel`;
    return { result: 'error', errors: [locateError({ path: 'channel', message, type: 'forbidden' }, group.lines)] };
  }
  try {
    const { order, created } = await placeOrder(ctx, group.input, { idempotencyKey: group.idempotencyKey });
    return { result: created ? 'created' : 'duplicate', orderId: order.id, orderNumber: order.number };
  } catch (error) {
    if (error instanceof DomainError) {
      const fieldErrors = error.errors.length > 0 ? error.errors : [{ path: 'externalRef', message: error.message }];
      return { result: 'error', errors: fieldErrors.map((e) => locateError({ ...e, type: error.type }, group.lines)) };
    }
    ctx.logger.error({ err: error, externalRef: group.externalRef }, 'could not import an order');
    return {
      result: 'error',
      errors: [{ line: null, path: 'externalRef', message: 'could not be placed because of an error on our side; it has been logged', type: 'internal' }],
    };
  }
}

/**
 * Line errors stay on their row; errors about the whole order go on its first row, and the
 * order's other rows point there, so every row of a refused order says why it was not placed.
 */
function errorsByLine(lines: number[], errors: LocatedError[]): Map<number, ImportError[]> {
  const first = lines[0]!;
  const result = new Map<number, ImportError[]>(lines.map((line) => [line, []]));
  for (const { line, path, message, type } of errors) result.get(line ?? first)!.push({ path, message, type });
  const cause = [...result].find(([, list]) => list.length > 0);
  for (const list of result.values()) {
    if (list.length === 0 && cause) {
      list.push({ path: 'externalRef', message: `the order was not placed; see line ${cause[0]}`, type: cause[1][0]!.type });
    }
  }
  return result;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in input order. */
async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
