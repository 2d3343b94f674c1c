import { CsvError, parse } from 'csv-parse/sync';
import type { ZodError } from 'zod';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import { PlaceOrderInput } from './order.schemas.ts';

/** Turns a B2B order file into checked `PlaceOrderInput`s, one per externalRef, without touching storage. */

export const MAX_IMPORT_ROWS = 10_000;

export const importColumns = [
  'externalRef', 'channel', 'customerEmail', 'customerName', 'line1', 'line2', 'city', 'region', 'postalCode', 'country',
  'lat', 'lon', 'sku', 'quantity', 'service', 'currency', 'paymentMethod', 'paymentToken', 'purchaseOrder',
] as const;
export type ImportColumn = (typeof importColumns)[number];

const requiredColumns: readonly ImportColumn[] = [
  'externalRef', 'customerEmail', 'customerName', 'line1', 'city', 'region', 'postalCode', 'country', 'sku', 'quantity', 'currency',
];
const lineColumns: readonly ImportColumn[] = ['externalRef', 'sku', 'quantity'];
/** Columns that describe the order, not the line: every row of one order must repeat them unchanged. */
const orderColumns = importColumns.filter((column) => !lineColumns.includes(column));

/** A complaint about one row; `type` is the contract slug of the error (`validation`, `out_of_stock`, …). */
export interface ImportError extends FieldError {
  type: string;
}

export interface CsvRow {
  /** 1-based line of the file where the record starts; the header is line 1. */
  line: number;
  cells: Partial<Record<ImportColumn, string>>;
  /** Set when the record does not have as many fields as the header. */
  fieldCount?: { found: number; expected: number };
}

/** A row's complaint placed on its line; `line: null` concerns the whole order. */
export interface LocatedError extends ImportError {
  line: number | null;
}

export type OrderGroup = { externalRef: string | null; lines: number[] } & (
  | { ok: true; input: PlaceOrderInput; idempotencyKey: string }
  | { ok: false; errors: LocatedError[] }
);

/** Reads and checks the file as a whole; anything wrong with it as a file is a ValidationError. */
export function readImportCsv(text: string): CsvRow[] {
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    // The typings do not model `info: true`, which wraps each record with where it was read.
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      // The header plus one row too many is enough to know the file is too long.
      to: MAX_IMPORT_ROWS + 2,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw ValidationError.field('file', `could not be read as CSV: ${error.message}`);
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw ValidationError.field('file', 'is empty; it needs a header row and at least one order row');
  const columns = checkHeader(header.record.map((name) => name.trim()));
  if (data.length === 0) throw ValidationError.field('file', 'has a header but no order rows');
  if (data.length > MAX_IMPORT_ROWS) throw ValidationError.field('file', `has more than ${MAX_IMPORT_ROWS} order rows; split it into smaller files`);

  const lineOf = startLines(text, records);
  return data.map(({ record }, index) => {
    const cells: CsvRow['cells'] = {};
    columns.forEach((column, i) => {
      const value = record[i]?.trim();
      if (value) cells[column] = value;
    });
    const row: CsvRow = { line: lineOf[index + 1]!, cells };
    if (record.length !== columns.length) row.fieldCount = { found: record.length, expected: columns.length };
    return row;
  });
}

/**
 * The line each record starts on. csv-parse's own line count drifts on CRLF files with blank
 * lines, so lines are counted here from the byte offset where each record ends.
 */
function startLines(text: string, records: { record: string[]; info: { bytes: number } }[]): number[] {
  const bytes = Buffer.from(text);
  let cursor = 0;
  let breaks = 0;
  return records.map(({ record, info }) => {
    let end = info.bytes;
    while (end > cursor && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
    for (; cursor < end; cursor += 1) if (bytes[cursor] === 0x0a) breaks += 1;
    const embedded = record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    return 1 + breaks - embedded;
  });
}

function checkHeader(names: string[]): ImportColumn[] {
  const errors: FieldError[] = [];
  const known = new Set<string>(importColumns);
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!name) errors.push({ path: 'file', message: `column ${i + 1} of the header has no name` });
    else if (!known.has(name)) errors.push({ path: name, message: `is not a known column; the columns are ${importColumns.join(', ')}` });
    else if (seen.has(name)) errors.push({ path: name, message: 'appears more than once in the header' });
    seen.add(name);
  });
  for (const column of requiredColumns) {
    if (!seen.has(column)) errors.push({ path: column, message: 'is a required column and is missing from the header' });
  }
  if (errors.length > 0) throw new ValidationError(errors, `The file header is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  return names as ImportColumn[];
}

/** Rows sharing an externalRef become one order, its lines in file order; a row without one stands alone. */
export function groupImportRows(rows: CsvRow[]): OrderGroup[] {
  const byRef = new Map<string, CsvRow[]>();
  const groups: CsvRow[][] = [];
  for (const row of rows) {
    const ref = row.cells.externalRef;
    const group = ref === undefined ? undefined : byRef.get(ref);
    if (group) group.push(row);
    else {
      const created = [row];
      groups.push(created);
      if (ref !== undefined) byRef.set(ref, created);
    }
  }
  return groups.map(toOrderGroup);
}

function toOrderGroup(rows: CsvRow[]): OrderGroup {
  const first = rows[0]!;
  const externalRef = first.cells.externalRef ?? null;
  const lines = rows.map((row) => row.line);
  const errors: LocatedError[] = [];
  if (externalRef === null) errors.push({ line: first.line, path: 'externalRef', message: 'is required: it names the order the row belongs to', type: 'validation' });
  for (const row of rows) {
    if (row.fieldCount) {
      errors.push({ line: row.line, path: '(row)', message: `has ${row.fieldCount.found} fields but the header has ${row.fieldCount.expected}; quote values that contain commas`, type: 'validation' });
    }
    for (const column of orderColumns) {
      if (row !== first && row.cells[column] !== first.cells[column]) {
        errors.push({ line: row.line, path: column, message: `differs from line ${first.line} of the same order; order columns must repeat on every row`, type: 'validation' });
      }
    }
  }

  // A record with the wrong number of fields has its values in the wrong columns: checking them would only add noise.
  if (rows.some((row) => row.fieldCount)) return { externalRef, lines, ok: false, errors };
  const parsed = PlaceOrderInput.safeParse(orderCandidate(rows));
  if (!parsed.success) errors.push(...issuesToRows(parsed.error.issues, lines));
  if (errors.length > 0 || !parsed.success) return { externalRef, lines, ok: false, errors };
  return { externalRef, lines, ok: true, input: parsed.data, idempotencyKey: `import:${parsed.data.channel}:${externalRef}` };
}

/** The order as the API would receive it in JSON; the schema then applies the same rules as POST /api/orders. */
function orderCandidate(rows: CsvRow[]): Record<string, unknown> {
  const c = rows[0]!.cells;
  const method = c.paymentMethod ?? 'invoice';
  return {
    channel: c.channel ?? 'b2b',
    externalRef: c.externalRef,
    customer: { email: c.customerEmail, name: c.customerName },
    shippingAddress: {
      line1: c.line1, line2: c.line2, city: c.city, region: c.region, postalCode: c.postalCode, country: c.country,
      lat: numberOrText(c.lat), lon: numberOrText(c.lon),
    },
    lines: rows.map((row) => ({ sku: row.cells.sku, quantity: numberOrText(row.cells.quantity) })),
    delivery: { method: 'ship', service: c.service },
    // Only the payment fields present are sent, so a stray one is reported against its column.
    payment: withoutUndefined({ method, token: c.paymentToken, purchaseOrder: c.purchaseOrder }),
    currency: c.currency,
  };
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** A cell that is not a plain number stays text, so the schema reports it against its column. */
function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : value;
}

const columnByPath: Record<string, ImportColumn> = {
  channel: 'channel',
  externalRef: 'externalRef',
  'customer.email': 'customerEmail',
  'customer.name': 'customerName',
  shippingAddress: 'line1',
  'shippingAddress.line1': 'line1',
  'shippingAddress.line2': 'line2',
  'shippingAddress.city': 'city',
  'shippingAddress.region': 'region',
  'shippingAddress.postalCode': 'postalCode',
  'shippingAddress.country': 'country',
  'shippingAddress.lat': 'lat',
  'shippingAddress.lon': 'lon',
  delivery: 'service',
  'delivery.method': 'service',
  'delivery.service': 'service',
  payment: 'paymentMethod',
  'payment.method': 'paymentMethod',
  'payment.token': 'paymentToken',
  'payment.purchaseOrder': 'purchaseOrder',
  currency: 'currency',
  lines: 'externalRef',
  'Idempotency-Key': 'externalRef',
};

/**
 * Places an error of the order's JSON shape (`lines.1.quantity`, `customer.email`) on the CSV:
 * line errors on the row of that line, order errors on the whole order (`line: null`).
 */
export function locateError(error: FieldError & { type: string }, lines: number[]): LocatedError {
  const lineMatch = /^lines\.(\d+)(?:\.(\w+))?$/.exec(error.path);
  if (lineMatch) {
    const index = Number(lineMatch[1]);
    const message = error.message.replace(/^repeats line (\d+)/, (_, n: string) => `repeats the SKU of line ${lines[Number(n)] ?? n}`);
    return { line: lines[index] ?? null, path: lineMatch[2] === 'quantity' ? 'quantity' : 'sku', message, type: error.type };
  }
  return { line: null, path: columnByPath[error.path] ?? error.path, message: error.message, type: error.type };
}

type Issue = ZodError['issues'][number];

function issuesToRows(issues: Issue[], lines: number[]): LocatedError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => locateError({ path: path ? `${path}.${key}` : key, message: 'does not apply with this paymentMethod', type: 'validation' }, lines));
    }
    return [locateError({ path, message: issueMessage(issue), type: 'validation' }, lines)];
  });
}

function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is required';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'must be a number';
  return issue.message;
}
