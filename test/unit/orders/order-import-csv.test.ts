import { describe, expect, it } from 'vitest';
import { ValidationError } from '#server/core/errors.ts';
import { groupImportRows, locateError, MAX_IMPORT_ROWS, readImportCsv, type OrderGroup } from '#server/orders/order-import-csv.ts';

const header = 'externalRef,customerEmail,customerName,line1,city,region,postalCode,country,sku,quantity,currency';
const address = 'ada@example.com,Ada Lovelace,1 Main St,Austin,TX,73301,US';

function row(ref: string, sku: string, quantity: string | number, customer = address, currency = 'USD') {
  return `${ref},${customer},${sku},${quantity},${currency}`;
}

function groups(...lines: string[]): OrderGroup[] {
  return groupImportRows(readImportCsv(lines.join('\n')));
}

function fileErrors(text: string) {
  try {
    readImportCsv(text);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

function failed(group: OrderGroup | undefined) {
  if (!group || group.ok) throw new Error(`expected a failed group, got ${JSON.stringify(group)}`);
  return group.errors;
}

describe('reading an order file', () => {
  it('numbers rows by the line they start on, past blank lines, a BOM and quoted line breaks', () => {
    const rows = readImportCsv(`\ufeff${header}\n${row('A', 'S1', 1)}\n\n"B",ada@example.com,Ada,"1 Main St\nFloor 2",Austin,TX,73301,US,S1,1,USD\r\n${row('C', 'S1', 1)}\n`);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(rows[1]!.cells.line1).toBe('1 Main St\nFloor 2');
  });

  it('numbers rows the same way in a CRLF file with blank and all-empty lines', () => {
    const text = [header, row('A', 'S1', 1), '', ',,,,,,,,,,', 'B,ada@example.com,Ada,"1 Main St\r\nFloor 2",Austin,TX,73301,US,S1,1,USD', row('C', 'S1', 1)].join('\r\n');
    expect(readImportCsv(text).map((r) => [r.cells.externalRef, r.line])).toEqual([['A', 2], ['B', 5], ['C', 7]]);
  });

  it('keeps commas inside quoted values', () => {
    const [first] = readImportCsv(`${header}\nA,ada@example.com,"Lovelace, Ada","1 Main St, Suite 4",Austin,TX,73301,US,S1,1,USD`);
    expect(first!.cells).toMatchObject({ customerName: 'Lovelace, Ada', line1: '1 Main St, Suite 4', city: 'Austin' });
  });

  it('refuses unknown and duplicated columns by name', () => {
    expect(fileErrors(`${header},colour,sku\n`)).toEqual([
      expect.objectContaining({ path: 'colour', message: expect.stringContaining('is not a known column') }),
      expect.objectContaining({ path: 'sku', message: 'appears more than once in the header' }),
    ]);
  });

  it('names every required column the header lacks', () => {
    const errors = fileErrors('externalRef,customerEmail,customerName,line1,city,region,postalCode,country,quantity\nA,a@b.co,A,1,B,TX,1,US,1');
    expect(errors.map((e) => e.path)).toEqual(['sku', 'currency']);
  });

  it('refuses an empty file, a header alone and a malformed file as a whole', () => {
    expect(fileErrors('')).toEqual([expect.objectContaining({ path: 'file' })]);
    expect(fileErrors(`${header}\n\n`)).toEqual([expect.objectContaining({ path: 'file', message: 'has a header but no order rows' })]);
    expect(fileErrors(`${header}\n"A,unclosed`)).toEqual([expect.objectContaining({ path: 'file', message: expect.stringContaining('could not be read as CSV') })]);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows naming the file`, () => {
    const body = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => row(`R${i}`, 'S1', 1)).join('\n');
    expect(fileErrors(`${header}\n${body}`)).toEqual([expect.objectContaining({ path: 'file', message: expect.stringContaining(`${MAX_IMPORT_ROWS}`) })]);
    expect(readImportCsv(`${header}\n${body.slice(0, body.lastIndexOf('\n'))}`)).toHaveLength(MAX_IMPORT_ROWS);
  });
});

describe('turning rows into orders', () => {
  it('gathers the rows of one externalRef into one order, lines in file order, with b2b and invoice by default', () => {
    const [a, b] = groups(header, row('PO-1', 'S1', 2), row('PO-2', 'S9', 1), row('PO-1', 'S2', '5'));
    expect(a).toMatchObject({ ok: true, externalRef: 'PO-1', lines: [2, 4], idempotencyKey: 'import:b2b:PO-1' });
    if (!a?.ok) throw new Error('unreachable');
    expect(a.input).toMatchObject({
      channel: 'b2b',
      externalRef: 'PO-1',
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      shippingAddress: { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' },
      lines: [{ sku: 'S1', quantity: 2 }, { sku: 'S2', quantity: 5 }],
      delivery: { method: 'ship', service: 'standard' },
      payment: { method: 'invoice' },
      currency: 'USD',
    });
    expect(b).toMatchObject({ ok: true, lines: [3] });
  });

  it('reads the optional columns: channel, coordinates, service, card payment, purchase order', () => {
    const [card, invoice] = groups(
      `${header},channel,lat,lon,service,paymentMethod,paymentToken,purchaseOrder,line2`,
      `${row('W-1', 'S1', 1)},web,30.27,-97.74,express,card,tok_visa,,Unit 5`,
      `${row('B-1', 'S1', 1)},,,,,,,PO-778,`,
    );
    expect(card).toMatchObject({ ok: true, idempotencyKey: 'import:web:W-1' });
    if (!card?.ok || !invoice?.ok) throw new Error(JSON.stringify([card, invoice]));
    expect(card.input.shippingAddress).toMatchObject({ lat: 30.27, lon: -97.74, line2: 'Unit 5' });
    expect(card.input.delivery.service).toBe('express');
    expect(card.input.payment).toEqual({ method: 'card', token: 'tok_visa' });
    expect(invoice.input.payment).toEqual({ method: 'invoice', purchaseOrder: 'PO-778' });
  });

  it('names the column and row of each schema error', () => {
    const errors = failed(groups(header, row('PO-1', 'S1', 1, 'not-an-email,Ada,1 Main St,,TX,73301,usa'), row('PO-1', 'S2', 'two', 'not-an-email,Ada,1 Main St,,TX,73301,usa'), row('PO-1', 'S3', 0, 'not-an-email,Ada,1 Main St,,TX,73301,usa'))[0]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { line: null, path: 'customerEmail', message: 'must be an email address', type: 'validation' },
        { line: null, path: 'city', message: 'is required', type: 'validation' },
        { line: null, path: 'country', message: expect.stringContaining('ISO 3166-1'), type: 'validation' },
        { line: 3, path: 'quantity', message: 'must be a number', type: 'validation' },
        { line: 4, path: 'quantity', message: 'must be at least 1', type: 'validation' },
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('refuses an order whose rows disagree on an order column, naming the column on the row that differs', () => {
    const errors = failed(groups(header, row('PO-1', 'S1', 1), row('PO-1', 'S2', 1, address, 'EUR'))[0]);
    expect(errors).toEqual([{ line: 3, path: 'currency', message: expect.stringContaining('differs from line 2'), type: 'validation' }]);
  });

  it('reports payment columns that are missing or do not fit the method', () => {
    const [card, invoice, cheque, webInvoice] = groups(
      `${header},channel,paymentMethod,paymentToken`,
      `${row('P-1', 'S1', 1)},,card,`,
      `${row('P-2', 'S1', 1)},,invoice,tok_visa`,
      `${row('P-3', 'S1', 1)},,cheque,`,
      `${row('P-4', 'S1', 1)},web,,`,
    );
    expect(failed(card)).toEqual([expect.objectContaining({ path: 'paymentToken', message: 'is required' })]);
    expect(failed(invoice)).toEqual([expect.objectContaining({ path: 'paymentToken', message: expect.stringContaining('does not apply') })]);
    expect(failed(cheque)).toEqual([expect.objectContaining({ path: 'paymentMethod' })]);
    expect(failed(webInvoice)).toEqual([expect.objectContaining({ path: 'paymentMethod', message: expect.stringContaining('b2b') })]);
  });

  it('points a repeated SKU at the line that first had it', () => {
    const errors = failed(groups(header, row('PO-1', 'S1', 1), row('PO-1', 'S2', 1), row('PO-1', 'S1', 2))[0]);
    expect(errors).toEqual([{ line: 4, path: 'sku', message: expect.stringMatching(/^repeats the SKU of line 2/), type: 'validation' }]);
  });

  it('keeps a row without externalRef, or with the wrong number of fields, as its own failed order', () => {
    const [noRef, short] = groups(header, row('', 'S1', 1), 'PO-9,ada@example.com,Ada');
    expect(noRef).toMatchObject({ externalRef: null, lines: [2] });
    expect(failed(noRef)).toEqual([expect.objectContaining({ line: 2, path: 'externalRef', message: expect.stringContaining('is required') })]);
    expect(failed(short)).toEqual([{ line: 3, path: '(row)', message: expect.stringContaining('has 3 fields but the header has 11'), type: 'validation' }]);
  });
});

describe('placing an API error on the file', () => {
  const lines = [5, 7, 9];
  it.each([
    ['lines.1.quantity', { line: 7, path: 'quantity' }],
    ['lines.2.sku', { line: 9, path: 'sku' }],
    ['customer.email', { line: null, path: 'customerEmail' }],
    ['shippingAddress.city', { line: null, path: 'city' }],
    ['payment.token', { line: null, path: 'paymentToken' }],
    ['Idempotency-Key', { line: null, path: 'externalRef' }],
    ['currency', { line: null, path: 'currency' }],
  ])('%s', (path, expected) => {
    expect(locateError({ path, message: 'm', type: 'out_of_stock' }, lines)).toEqual({ ...expected, message: 'm', type: 'out_of_stock' });
  });
});
