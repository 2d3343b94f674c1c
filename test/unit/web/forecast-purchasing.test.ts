import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/lib/api/client.ts';
import {
  attemptKey,
  openPurchaseOrderLines,
  openTransferLines,
  problemText,
  purchaseOrderActions,
  purchaseOrderUnits,
  receiptLines,
  transferActions,
  type PurchasingRights,
} from '../../../web/lib/purchasing/purchasing-actions.ts';

const planner: PurchasingRights = { write: true, receive: false, locationIds: null };
const manager: PurchasingRights = { write: true, receive: true, locationIds: null };
const staffAt = (id: string): PurchasingRights => ({ write: false, receive: true, locationIds: [id] });
const line = (sku: string, ordered: number, received: number) => ({ sku, quantityOrdered: ordered, quantityReceived: received, quantityOpen: ordered - received, unitCostCents: 100, lineTotalCents: ordered * 100 });

describe('purchasing actions (the purchasing page, from forecasts\' restock)', () => {
  it('a planner submits drafts, cancels what nothing arrived on and closes received orders, but never receives', () => {
    expect(purchaseOrderActions({ status: 'draft', locationId: 'x' }, planner)).toEqual({ submit: true, cancel: true, close: false, receive: false });
    expect(purchaseOrderActions({ status: 'submitted', locationId: 'x' }, planner)).toEqual({ submit: false, cancel: true, close: false, receive: false });
    expect(purchaseOrderActions({ status: 'partially_received', locationId: 'x' }, planner)).toEqual({ submit: false, cancel: false, close: true, receive: false });
    expect(purchaseOrderActions({ status: 'closed', locationId: 'x' }, manager)).toEqual({ submit: false, cancel: false, close: false, receive: false });
  });

  it('staff only receive, and only at their own locations', () => {
    expect(purchaseOrderActions({ status: 'submitted', locationId: 'mine' }, staffAt('mine'))).toEqual({ submit: false, cancel: false, close: false, receive: true });
    expect(purchaseOrderActions({ status: 'submitted', locationId: 'other' }, staffAt('mine')).receive).toBe(false);
  });

  it('a transfer ships from its source, is received at its destination and is cancelled only before it ships', () => {
    const transfer = { fromLocationId: 'a', toLocationId: 'b' };
    expect(transferActions({ ...transfer, status: 'requested' }, staffAt('a'))).toEqual({ ship: true, receive: false, cancel: false });
    expect(transferActions({ ...transfer, status: 'shipped' }, staffAt('a'))).toEqual({ ship: false, receive: false, cancel: false });
    expect(transferActions({ ...transfer, status: 'shipped' }, staffAt('b'))).toEqual({ ship: false, receive: true, cancel: false });
    expect(transferActions({ ...transfer, status: 'requested' }, planner)).toEqual({ ship: false, receive: false, cancel: true });
  });

  it('a receipt defaults each line to its open units and leaves out lines set to zero', () => {
    const po = { lines: [line('A', 10, 4), line('B', 5, 5), line('C', 3, 0)] };
    expect(openPurchaseOrderLines(po)).toEqual([{ sku: 'A', open: 6 }, { sku: 'C', open: 3 }]);
    expect(receiptLines(openPurchaseOrderLines(po), { C: 0 })).toEqual([{ sku: 'A', quantity: 6 }]);
    expect(purchaseOrderUnits(po)).toEqual({ ordered: 18, received: 9, open: 9 });
    const transfer = { lines: [{ sku: 'A', quantity: 10, quantityShipped: 8, quantityReceived: 3 }, { sku: 'B', quantity: 2, quantityShipped: 0, quantityReceived: 0 }] };
    expect(openTransferLines(transfer)).toEqual([{ sku: 'A', open: 5 }]);
  });

  it('names a refused receipt line by its SKU', () => {
    const error = new ApiError(422, 'validation', 'The receipt is invalid', [{ path: 'lines.1.quantity', message: 'is more than the 3 still expected' }, { path: 'note', message: 'too long' }]);
    expect(problemText(error, [{ sku: 'A' }, { sku: 'C' }])).toEqual({
      message: 'The receipt is invalid',
      fields: [
        { path: 'lines.1.quantity', label: 'C quantity', message: 'is more than the 3 still expected' },
        { path: 'note', label: 'note', message: 'too long' },
      ],
    });
    expect(problemText(new Error('boom'))).toEqual({ message: 'boom', fields: [] });
  });
});

describe('receipt attempt keys', () => {
  it('are new per attempt and say what they are for', () => {
    const [a, b] = [attemptKey('receive'), attemptKey('receive')];
    expect(a).toMatch(/^receive-[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
