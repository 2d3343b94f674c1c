import { describe, expect, it } from 'vitest';
import { describeRejection, isPartial, REJECTION_REASONS, rejectionBody, type Rejection } from '../../../web/lib/fulfillment/rejection.ts';

// The station's shipment type, without importing its runes module into the type-check.
type Shipment = Parameters<typeof rejectionBody>[0];

/** Only what the request body reads of a shipment: its lines' ids and quantities. */
const shipmentOf = (lines: { id: string; quantity: number }[]) => ({ lines }) as unknown as Shipment;

describe('rejection reasons', () => {
  it('short picks and damage are partial (each line says what it can still send); capacity and closure reject it all', () => {
    expect(REJECTION_REASONS.map((r) => [r.value, isPartial(r.value)])).toEqual([
      ['short_pick', true],
      ['damaged', true],
      ['capacity', false],
      ['closure', false],
    ]);
    for (const reason of REJECTION_REASONS) expect(reason.label).not.toBe('');
  });
});

describe('rejectionBody', () => {
  const shipment = shipmentOf([
    { id: 'l1', quantity: 3 },
    { id: 'l2', quantity: 2 },
    { id: 'l3', quantity: 1 },
  ]);

  it('a whole-shipment reason sends the reason alone, whatever was typed per line', () => {
    expect(rejectionBody(shipment, 'capacity', { l1: 1 })).toEqual({ reason: 'capacity' });
    expect(rejectionBody(shipment, 'closure', {})).toEqual({ reason: 'closure' });
  });

  it('a partial reason lists only the lines that can send fewer than their quantity', () => {
    expect(rejectionBody(shipment, 'short_pick', { l1: 1, l2: 2, l3: 1 })).toEqual({ reason: 'short_pick', lines: [{ shipmentLineId: 'l1', fulfillableQuantity: 1 }] });
  });

  it('a line with nothing typed can send nothing', () => {
    expect(rejectionBody(shipment, 'damaged', { l1: 3, l2: 2 })).toEqual({ reason: 'damaged', lines: [{ shipmentLineId: 'l3', fulfillableQuantity: 0 }] });
  });

  it('every line sent in full leaves no lines (the server then says there is nothing to reject)', () => {
    expect(rejectionBody(shipment, 'short_pick', { l1: 3, l2: 2, l3: 1 })).toEqual({ reason: 'short_pick', lines: [] });
  });
});

describe('describeRejection', () => {
  const result: Rejection = {
    orderId: 'o1',
    orderStatus: 'allocated',
    fromLocationId: 'L1',
    reason: 'short_pick',
    moved: [
      { lineIndex: 0, sku: 'TEE', locationId: 'L2', quantity: 2 },
      { lineIndex: 1, sku: 'HAT', locationId: 'L3', quantity: 1 },
    ],
    backordered: [{ lineIndex: 2, sku: 'MUG', quantity: 4 }],
    promisedDate: null,
    shipmentIds: [],
  };
  const names: Record<string, string> = { L2: 'DAL · Dallas DC', L3: 'NYC · Brooklyn store' };

  it('says where the units went, by location name, and what waits as a backorder', () => {
    expect(describeRejection(result, (id) => names[id] ?? id)).toEqual({
      resourced: 'TEE × 2 to DAL · Dallas DC, HAT × 1 to NYC · Brooklyn store',
      backordered: 'MUG × 4',
    });
  });

  it('is empty text where nothing moved or nothing was backordered', () => {
    expect(describeRejection({ ...result, moved: [], backordered: [] }, (id) => id)).toEqual({ resourced: '', backordered: '' });
  });
});
