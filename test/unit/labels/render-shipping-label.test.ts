import { describe, expect, it } from 'vitest';
import { ValidationError } from '#server/core/errors.ts';
import { renderShippingLabel } from '#server/labels/render-shipping-label.ts';
import { outboundLabel, returnLabel } from './support/label-factory.ts';
import { readLabelPdf, scanLinearBarcodes } from './support/read-label-pdf.ts';

// Rasterizing and scanning a page takes a few hundred ms on a busy machine.
const SCAN_TIMEOUT = 30_000;

/** The text run that follows `caption` on the page: the value a caption introduces. */
function after(items: string[], caption: string): string | undefined {
  const at = items.indexOf(caption);
  return at === -1 ? undefined : items[at + 1];
}

async function rejection(input: Parameters<typeof renderShippingLabel>[0]): Promise<ValidationError> {
  const error = await renderShippingLabel(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('renderShippingLabel', () => {
  it('renders a PDF that parses as exactly one 4×6 inch page (288×432 pt)', async () => {
    const pdf = await renderShippingLabel(outboundLabel());

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const label = await readLabelPdf(pdf);
    expect(label.pageCount).toBe(1);
    expect(label.pageSize).toEqual({ width: 288, height: 432 });
  });

  it('prints the tracking number, the ship-to address, the carrier and service, the sender and the package facts', async () => {
    const { textItems } = await readLabelPdf(await renderShippingLabel(outboundLabel({ weightUnit: 'lb' })));

    expect(after(textItems, 'TRACKING #')).toBe('1Z999AA10123456784');
    expect(textItems.filter((t) => t === '1Z999AA10123456784')).toHaveLength(1);
    expect(textItems.slice(textItems.indexOf('SHIP TO') + 1, textItems.indexOf('SHIP TO') + 6)).toEqual([
      'ADA LOVELACE',
      '742 EVERGREEN TERRACE',
      'APT 3B',
      'SPRINGFIELD IL 62704',
      'US',
    ]);
    expect(textItems).toEqual(expect.arrayContaining(['UPS', 'GROUND']));
    expect(after(textItems, 'FROM')).toBe('RENO FULFILLMENT CENTER');
    expect(after(textItems, 'ORDER')).toBe('T100234');
    expect(after(textItems, 'PACKAGE')).toBe('1 OF 2');
    expect(after(textItems, 'SHIP DATE')).toBe('2026-03-14');
    expect(after(textItems, 'WEIGHT')).toBe('5.2 LB'); // 2345 g is 5.17 lb, rounded up
    expect(textItems).not.toContain('RETURN');
  });

  it.each([
    ['a UPS number, letters and digits', '1Z999AA10123456784'],
    ['a USPS number, 22 digits', '9400111899223456789012'],
    ['a FedEx number, 12 digits', '794644790138'],
    ['an odd count of digits, which ends outside code set C', '123456789'],
    ['lower case and punctuation', 'rtn-00417/b'],
  ])('draws a Code 128 barcode that a scanner reads back as the tracking number: %s', async (_, trackingNumber) => {
    const label = await readLabelPdf(await renderShippingLabel(outboundLabel({ trackingNumber })));

    expect(await scanLinearBarcodes(label.raster)).toEqual([{ format: 'Code128', text: trackingNumber }]);
    expect(label.textItems).toContain(trackingNumber);
  }, SCAN_TIMEOUT);

  it('keeps the barcode readable on a 300 dpi printer, whose dots do not divide its bars evenly', async () => {
    const label = await readLabelPdf(await renderShippingLabel(outboundLabel()), { dpi: 300 });

    expect(await scanLinearBarcodes(label.raster)).toEqual([{ format: 'Code128', text: '1Z999AA10123456784' }]);
  }, SCAN_TIMEOUT);

  it('encodes each label its own number: numbers one digit apart scan apart', async () => {
    const first = await readLabelPdf(await renderShippingLabel(outboundLabel({ trackingNumber: '794644790138' })));
    const second = await readLabelPdf(await renderShippingLabel(outboundLabel({ trackingNumber: '794644790139' })));

    expect((await scanLinearBarcodes(first.raster)).map((b) => b.text)).toEqual(['794644790138']);
    expect((await scanLinearBarcodes(second.raster)).map((b) => b.text)).toEqual(['794644790139']);
  }, SCAN_TIMEOUT);

  it('makes a return label that sends the package from the customer back to the location, says RETURN and carries the RMA number', async () => {
    const label = await readLabelPdf(await renderShippingLabel(returnLabel({ rmaNumber: 'RMA-000417' })));
    const { textItems } = label;

    expect(label.pageCount).toBe(1);
    expect(label.pageSize).toEqual({ width: 288, height: 432 });
    expect(textItems).toContain('RETURN');
    expect(after(textItems, 'RMA')).toBe('RMA-000417');
    expect(textItems.slice(textItems.indexOf('SHIP TO') + 1, textItems.indexOf('SHIP TO') + 4)).toEqual([
      'RENO FULFILLMENT CENTER',
      '1200 DOCK ROAD',
      'RENO NV 89502',
    ]);
    expect(textItems.slice(textItems.indexOf('FROM') + 1, textItems.indexOf('FROM') + 6)).toEqual([
      'ADA LOVELACE',
      '742 EVERGREEN TERRACE',
      'APT 3B',
      'SPRINGFIELD IL 62704',
      'US',
    ]);
    expect(after(textItems, 'ORDER')).toBe('T100234');
    expect(after(textItems, 'WEIGHT')).toBe('2.35 KG');
    expect(await scanLinearBarcodes(label.raster)).toEqual([{ format: 'Code128', text: '1Z999AA10123456784' }]);
  }, SCAN_TIMEOUT);

  it('keeps every line on the page: long lines shrink, then lose their tail, but never the postal code or an identifier', async () => {
    const long = 'Unit 4, The Old Granary Business Park, Long Lane Industrial Estate, North Wing';
    const { textBoxes, textItems } = await readLabelPdf(
      await renderShippingLabel(
        returnLabel({
          carrier: { name: 'Royal Mail Parcelforce', service: 'Express 48 Large Signed For Tracked' },
          shipFrom: { name: long, addressLines: [long, long, long] },
          shipTo: { name: long, addressLines: [long, long, long], city: long, region: long, postalCode: 'SW1A 1AA', country: 'GB' },
          rmaNumber: 'RMA-2026-03-14-000000000417-XYZ',
          orderNumber: 'ORDER-2026-03-14-00000000001234',
        }),
      ),
    );

    expect(textBoxes.length).toBeGreaterThan(10);
    for (const box of textBoxes) {
      expect(box.left, box.str).toBeGreaterThanOrEqual(6);
      expect(box.right, box.str).toBeLessThanOrEqual(282);
    }
    expect(textItems.filter((t) => t.endsWith('…')).length).toBeGreaterThan(5);
    expect(textItems.find((t) => t.startsWith('UNIT 4') && t.endsWith(' SW1A 1AA'))).toBeDefined();
    expect(after(textItems, 'RMA')).toBe('RMA-2026-03-14-000000000417-XYZ');
    expect(after(textItems, 'ORDER')).toBe('ORDER-2026-03-14-00000000001234');
    expect(after(textItems, 'TRACKING #')).toBe('1Z999AA10123456784');
  });

  it('spells names outside the standard fonts with the nearest letters they have', async () => {
    const { textItems } = await readLabelPdf(
      await renderShippingLabel(outboundLabel({ shipTo: { ...outboundLabel().shipTo, name: 'Łukasz Żółć', city: 'Kraków' } })),
    );

    expect(after(textItems, 'SHIP TO')).toBe('LUKASZ ZÓLC');
    expect(textItems).toContain('KRAKÓW IL 62704');
  });

  it.each([
    ['a space', '1Z 999 AA1'],
    ['a character outside ASCII', '1Z999AÄ10'],
    ['nothing', ''],
  ])('rejects a tracking number with %s', async (_, trackingNumber) => {
    const error = await rejection(outboundLabel({ trackingNumber }));
    expect(error.errors.map((e) => e.path)).toEqual(['trackingNumber']);
  });

  it('rejects a tracking number too long for a readable barcode across the label', async () => {
    const error = await rejection(outboundLabel({ trackingNumber: 'AB'.repeat(24) }));
    expect(error.errors).toEqual([{ path: 'trackingNumber', message: expect.stringContaining('too long') }]);
  });

  it('rejects a package number above the package count, and a return without an RMA number', async () => {
    expect((await rejection(outboundLabel({ package: { number: 3, count: 2 } }))).errors.map((e) => e.path)).toEqual(['package.number']);
    const { rmaNumber: _rma, ...withoutRma } = returnLabel();
    expect((await rejection(withoutRma as never)).errors.map((e) => e.path)).toEqual(['rmaNumber']);
  });
});
