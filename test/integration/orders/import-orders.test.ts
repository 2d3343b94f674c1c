import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, orderFootprint, stockedProduct, unique, uniqueEmail } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const columns = ['externalRef', 'customerEmail', 'customerName', 'line1', 'city', 'region', 'postalCode', 'country', 'sku', 'quantity', 'currency'];

type Row = Record<string, string | number>;

/** One CSV row per order line, the order columns repeated as a B2B export does. */
function line(externalRef: string, email: string, sku: string, quantity: string | number, extra: Row = {}): Row {
  return { externalRef, customerEmail: email, customerName: 'Acme Buyer', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US', sku, quantity, currency: 'USD', ...extra };
}

function toCsv(rows: Row[], header = columns): string {
  const cell = (value: string | number | undefined) => {
    const text = value === undefined ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header.join(','), ...rows.map((row) => header.map((column) => cell(row[column])).join(','))].join('\n') + '\n';
}

function importCsv(csv: string, contentType = 'text/csv') {
  return server.api.request('POST', '/api/orders/import', csv, { 'content-type': contentType });
}

async function reservedOf(sku: string): Promise<number> {
  const levels = await server.api.get(`/api/inventory?sku=${encodeURIComponent(sku)}`);
  return (levels.body as { reserved: number }[]).reduce((sum, level) => sum + level.reserved, 0);
}

async function ordersWithRefs(refs: string[]): Promise<number> {
  const { rows } = await server.pool.query('select count(*)::int as n from orders where external_ref = any($1::text[])', [refs]);
  return rows[0].n;
}

describe('importing orders from a CSV file', () => {
  it('places one order per externalRef, a multi-line order from several rows, and a re-upload places nothing twice', async () => {
    const location = await createLocation(server.api);
    const [tee, mug, cap] = await Promise.all([createProduct(server.api), createProduct(server.api), createProduct(server.api)]);
    for (const product of [tee, mug, cap]) await addStock(server.api, product.sku, location.id, 50);
    const [po1, po2, po3] = [unique('PO'), unique('PO'), unique('PO')];
    const email = uniqueEmail('b2b');
    const csv = toCsv([line(po1, email, tee.sku, 3), line(po2, email, mug.sku, 1), line(po1, email, cap.sku, 2), line(po3, email, tee.sku, 4)]);

    const first = await importCsv(csv);
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ rows: 4, orders: 3, created: 3, duplicates: 0, failed: 0 });
    expect(first.body.rows.map((r: { row: number; externalRef: string; result: string }) => [r.row, r.externalRef, r.result])).toEqual([
      [2, po1, 'created'],
      [3, po2, 'created'],
      [4, po1, 'created'],
      [5, po3, 'created'],
    ]);
    const [r1, r2, r3, r4] = first.body.rows;
    expect(r1.orderId).toBe(r3.orderId);
    expect(new Set([r1.orderId, r2.orderId, r4.orderId]).size).toBe(3);
    expect(r1.orderNumber).toMatch(/^T\d+$/);

    const order = await server.api.get(`/api/orders/${r1.orderId}`);
    expect(order.body).toMatchObject({
      number: r1.orderNumber,
      channel: 'b2b',
      externalRef: po1,
      status: 'allocated',
      customer: { email, name: 'Acme Buyer' },
      payment: { method: 'invoice' },
      lines: [{ sku: tee.sku, quantity: 3 }, { sku: cap.sku, quantity: 2 }],
    });
    expect([await reservedOf(tee.sku), await reservedOf(mug.sku), await reservedOf(cap.sku)]).toEqual([7, 1, 2]);

    const again = await importCsv(csv);
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual({ rows: 4, orders: 3, created: 0, duplicates: 3, failed: 0 });
    expect(again.body.rows.map((r: { result: string; orderId: string }) => [r.result, r.orderId])).toEqual(
      first.body.rows.map((r: { orderId: string }) => ['duplicate', r.orderId]),
    );
    expect(await ordersWithRefs([po1, po2, po3])).toBe(3);
    expect([await reservedOf(tee.sku), await reservedOf(mug.sku), await reservedOf(cap.sku)]).toEqual([7, 1, 2]);
  });

  it('refuses an order reusing an externalRef with different content as an idempotency_conflict', async () => {
    const { product } = await stockedProduct(server.api, 20);
    const ref = unique('PO');
    const email = uniqueEmail('b2b');
    expect((await importCsv(toCsv([line(ref, email, product.sku, 2)]))).body.summary.created).toBe(1);

    const changed = await importCsv(toCsv([line(ref, email, product.sku, 5)]));
    expect(changed.body.summary).toMatchObject({ created: 0, failed: 1 });
    expect(changed.body.rows[0]).toMatchObject({ result: 'error', errors: [{ path: 'externalRef', type: 'idempotency_conflict' }] });
    expect(await reservedOf(product.sku)).toBe(2);
    expect(await ordersWithRefs([ref])).toBe(1);
  });

  it('places the good orders and reports each bad one by row and column, writing nothing for the bad ones', async () => {
    const location = await createLocation(server.api);
    const plenty = await createProduct(server.api);
    const scarce = await createProduct(server.api, { backorderable: false });
    await addStock(server.api, plenty.sku, location.id, 10);
    await addStock(server.api, scarce.sku, location.id, 1);
    const refs = { good: unique('GOOD'), unknownSku: unique('SKU'), badQty: unique('QTY'), short: unique('OOS'), declined: unique('CARD') };
    const emails = { short: uniqueEmail('oos'), declined: uniqueEmail('card'), other: uniqueEmail('b2b') };
    const card = { paymentMethod: 'card', paymentToken: 'tok_declined' };
    const csv = toCsv(
      [
        line(refs.good, emails.other, plenty.sku, 1),
        line(refs.unknownSku, emails.other, 'NO-SUCH-SKU-' + refs.unknownSku, 1),
        line(refs.badQty, emails.other, plenty.sku, 'two'),
        line(refs.short, emails.short, plenty.sku, 2),
        line(refs.short, emails.short, scarce.sku, 5),
        line(refs.declined, emails.declined, plenty.sku, 1, card),
      ],
      [...columns, 'paymentMethod', 'paymentToken'],
    );

    const response = await importCsv(csv);
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ rows: 6, orders: 5, created: 1, duplicates: 0, failed: 4 });
    const [good, unknownSku, badQty, shortPlenty, shortScarce, declined] = response.body.rows;
    expect(good).toMatchObject({ row: 2, externalRef: refs.good, result: 'created' });
    expect(unknownSku).toEqual({
      row: 3,
      externalRef: refs.unknownSku,
      result: 'error',
      errors: [{ path: 'sku', message: expect.stringContaining('no product has SKU'), type: 'validation' }],
    });
    expect(badQty).toEqual({ row: 4, externalRef: refs.badQty, result: 'error', errors: [{ path: 'quantity', message: 'must be a number', type: 'validation' }] });
    expect(shortScarce).toEqual({
      row: 6,
      externalRef: refs.short,
      result: 'error',
      errors: [{ path: 'quantity', message: `only 1 of ${scarce.sku} available`, type: 'out_of_stock' }],
    });
    expect(shortPlenty).toEqual({
      row: 5,
      externalRef: refs.short,
      result: 'error',
      errors: [{ path: 'externalRef', message: 'the order was not placed; see line 6', type: 'out_of_stock' }],
    });
    expect(declined).toMatchObject({ row: 7, result: 'error', errors: [{ path: 'paymentToken', type: 'payment_declined' }] });

    // Only the good order holds stock; the refused multi-line order reserved none of its lines.
    expect(await reservedOf(plenty.sku)).toBe(1);
    expect(await reservedOf(scarce.sku)).toBe(0);
    expect(await orderFootprint(server.pool, { email: emails.short, sku: scarce.sku })).toMatchObject({ orders: 0, orderLines: 0, reserved: 0, orderEvents: 0 });
    expect(await orderFootprint(server.pool, { email: emails.declined, sku: scarce.sku })).toMatchObject({ orders: 0 });
    expect(await ordersWithRefs(Object.values(refs))).toBe(1);
  });

  it('reads quoted values with commas, quotes and line breaks', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const ref = unique('PO');
    const email = uniqueEmail('quoted');
    const csv = [
      `${columns.join(',')},line2`,
      `${ref},${email},"Acme ""West"", Inc.","Suite 4, 1 Main St",Austin,TX,73301,US,${product.sku},1,USD,"Dock B,\nrear gate"`,
    ].join('\n');

    const response = await importCsv(csv);
    expect(response.body.rows).toEqual([expect.objectContaining({ row: 2, result: 'created' })]);
    const order = await server.api.get(`/api/orders/${response.body.rows[0].orderId}`);
    expect(order.body.customer.name).toBe('Acme "West", Inc.');
    expect(order.body.shippingAddress).toMatchObject({ line1: 'Suite 4, 1 Main St', line2: 'Dock B,\nrear gate', city: 'Austin' });
  });

  it('accepts the file as the file field of a multipart upload', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const ref = unique('PO');
    const form = new FormData();
    form.append('file', new Blob([toCsv([line(ref, uniqueEmail('multipart'), product.sku, 1)])], { type: 'text/csv' }), 'orders.csv');
    const response = await fetch(`${server.url}/api/orders/import`, { method: 'POST', body: form, headers: server.api.defaults });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ summary: { created: 1 }, rows: [{ externalRef: ref, result: 'created' }] });
  });
});

describe('refusing a file as a whole', () => {
  it('names an unknown column in a 422 and places nothing', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const ref = unique('PO');
    const csv = toCsv([{ ...line(ref, uniqueEmail(), product.sku, 1), colour: 'red' }], [...columns, 'colour']);
    const response = await importCsv(csv);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'validation', status: 422, errors: [{ path: 'colour', message: expect.stringContaining('not a known column') }] });
    expect(response.body.detail).toContain('colour');
    expect(await ordersWithRefs([ref])).toBe(0);
  });

  it('names a missing required column', async () => {
    const response = await importCsv(toCsv([line(unique('PO'), uniqueEmail(), 'X', 1)], columns.filter((c) => c !== 'currency')));
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ path: 'currency', message: expect.stringContaining('required column') }]);
  });

  it('refuses an empty file and a header without rows', async () => {
    for (const csv of ['', `${columns.join(',')}\n`]) {
      const response = await importCsv(csv);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ type: 'validation', errors: [{ path: 'file' }] });
    }
  });

  it('refuses a body that is not CSV with a problem naming the content type', async () => {
    const response = await server.api.request('POST', '/api/orders/import', { orders: [] });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'validation', errors: [{ path: 'content-type', message: expect.stringContaining('text/csv') }] });
  });
});

describe('the OpenAPI document', () => {
  it('describes the import with a text/csv body', async () => {
    const doc = await server.api.get('/api/openapi.json');
    const operation = doc.body.paths['/api/orders/import'].post;
    expect(Object.keys(operation.requestBody.content)).toEqual(['text/csv', 'multipart/form-data']);
    expect(operation.requestBody.content['text/csv'].schema).toMatchObject({ type: 'string' });
    expect(operation.responses['200']).toBeDefined();
  });
});
