import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { mayUseChannel } from '#server/auth/actor.ts';
import { ValidationError } from '#server/core/errors.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { importOrders } from './import-orders.ts';
import { importColumns, MAX_IMPORT_ROWS } from './order-import-csv.ts';

const ImportRowError = z.object({
  path: z.string().openapi({ description: 'the CSV column at fault, `(row)` for a malformed record' }),
  message: z.string(),
  type: z.string().openapi({ description: 'the problem type slug: validation, out_of_stock, payment_declined, idempotency_conflict, …' }),
});

const ImportRow = z.object({
  row: z.number().int().openapi({ description: 'line of the file where the row starts; the header is line 1' }),
  externalRef: z.string().nullable(),
  result: z.enum(['created', 'duplicate', 'error']),
  orderId: z.string().optional(),
  orderNumber: z.string().optional(),
  errors: z.array(ImportRowError).optional(),
});

const OrderImportResult = z
  .object({
    summary: z
      .object({ rows: z.number().int(), orders: z.number().int(), created: z.number().int(), duplicates: z.number().int(), failed: z.number().int() })
      .openapi({ description: '`created`, `duplicates` and `failed` count orders (groups of rows sharing an externalRef), not rows' }),
    rows: z.array(ImportRow),
  })
  .openapi('OrderImportResult');

const importOrdersRoute = createRoute({
  method: 'post',
  path: '/api/orders/import',
  'x-permission': 'orders:import',
  tags: ['orders'],
  summary: 'Place orders from a B2B CSV file',
  description: [
    `The body is the CSV file (\`text/csv\`), or a \`multipart/form-data\` upload with the file in its \`file\` field.`,
    `A header row is required; its columns (case-sensitive) are ${importColumns.map((c) => `\`${c}\``).join(', ')}.`,
    'Rows sharing an `externalRef` form one order, its lines in file order; the order columns must repeat unchanged on each of its rows.',
    '`channel` defaults to `b2b`, `paymentMethod` to `invoice` (`card` needs `paymentToken`), `service` to `standard`.',
    `Each order is checked by the same rules as \`POST /api/orders\` and placed with the idempotency key \`import:{channel}:{externalRef}\`,`,
    'so uploading a file again reports its orders as `duplicate` and places nothing twice. A bad order never blocks the others.',
    'Each row reports `created`, `duplicate` or `error`; every error names its CSV column in `path` and carries the problem `type`',
    '(`validation`, `out_of_stock`, `payment_declined`, `idempotency_conflict`, …). Errors about a line are on its row; errors about the',
    "whole order are on the order's first row, and its other rows point there.",
    `A file that cannot be read, has unknown or missing columns, no rows or more than ${MAX_IMPORT_ROWS} rows is refused whole with a 422.`,
  ].join(' '),
  request: {
    body: {
      required: true,
      content: {
        'text/csv': { schema: z.string().openapi({ example: 'externalRef,customerEmail,customerName,line1,city,region,postalCode,country,sku,quantity,currency\n' }) },
        'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } },
      },
    },
  },
  responses: {
    200: jsonContent(OrderImportResult, 'The outcome of every row, in file order'),
    ...problemResponses(413, 422),
  },
});

export function ordersImportRoutes(deps: RouteDeps) {
  return createRouter().openapi(importOrdersRoute, async (c) => c.json(await importOrders(deps, await csvBody(c), { mayUseChannel: (channel) => mayUseChannel(c.var.actor, channel) }), 200));
}

/** The CSV text of the request, from a raw `text/csv` body or a multipart `file` field. */
async function csvBody(c: Context): Promise<string> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/csv') return c.req.text();
  if (mediaType === 'multipart/form-data') {
    const file = (await c.req.parseBody())['file'];
    if (file instanceof File) return file.text();
    if (typeof file === 'string') return file;
    throw ValidationError.field('file', 'is required: send the CSV file in the file field');
  }
  throw ValidationError.field('content-type', `must be text/csv or multipart/form-data, not ${mediaType || 'missing'}`);
}
