import type { Return as ReturnSchema } from '#server/returns/returns.schemas.ts';
import type { z } from 'zod';
import { api, ApiError, errorMessage } from '../api/client.ts';

export type Rma = z.infer<typeof ReturnSchema>;
export type Disposition = 'restock' | 'refurbish' | 'scrap' | 'returnToVendor';

/** What the desk may do with an RMA in its status (server/returns/return-status.ts decides). */
export function rmaSteps(status: Rma['status']): { review: boolean; receive: boolean; resolve: boolean } {
  return {
    review: status === 'requested',
    receive: status === 'requested' || status === 'authorized' || status === 'received',
    resolve: status === 'received' || status === 'inspected',
  };
}

/** Units still expected per line. */
export function outstanding(rma: Rma): { lineId: string; sku: string; open: number }[] {
  return rma.lines.map((line) => ({ lineId: line.id, sku: line.sku, open: line.quantity - line.receivedQuantity })).filter((line) => line.open > 0);
}

/** The returns desk: RMAs by status, one selected, and its steps. */
export class ReturnsDesk {
  status = $state<Rma['status'] | ''>('');
  order = $state('');
  items = $state<Rma[]>([]);
  selected = $state<Rma | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  actionError = $state<string | null>(null);
  /** The HTTP status of the last failed action (0: the server was not reached). */
  actionStatus = $state<number | null>(null);
  busy = $state(false);

  async load(): Promise<void> {
    this.error = null;
    try {
      const page = await api<{ items: Rma[] }>('/api/returns', { query: { status: this.status, order: this.order.trim(), limit: 100 } });
      this.items = page.items;
      if (this.selected) this.selected = page.items.find((rma) => rma.id === this.selected!.id) ?? (await api<Rma>(`/api/returns/${this.selected.id}`));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  private async run(work: () => Promise<Rma>): Promise<boolean> {
    this.busy = true;
    this.actionError = null;
    try {
      this.selected = await work();
      await this.load();
      return true;
    } catch (error) {
      this.actionError = errorMessage(error);
      this.actionStatus = error instanceof ApiError ? error.status : null;
      return false;
    } finally {
      this.busy = false;
    }
  }

  transition(action: 'authorize' | 'reject' | 'cancel', reason = ''): Promise<boolean> {
    const id = this.selected!.id;
    return this.run(() => api<Rma>(`/api/returns/${id}/${action}`, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} }));
  }

  receive(locationId: string, lines: { returnLineId: string; quantity: number; disposition: Disposition }[]): Promise<boolean> {
    const id = this.selected!.id;
    const body = {
      locationId,
      lines: lines.filter((line) => line.quantity > 0).map((line) => ({ returnLineId: line.returnLineId, quantity: line.quantity, disposition: { [line.disposition]: line.quantity } })),
    };
    return this.run(() => api<Rma>(`/api/returns/${id}/receive`, { method: 'POST', body }));
  }

  /**
   * Resolves by exchange: a new order for the replacement lines, paid with the card given, beside a
   * refund of the returned units. `key` is the attempt's Idempotency-Key: a retry of the same
   * attempt gets the same new order.
   */
  exchange(lines: { sku: string; quantity: number }[], cardToken: string, note: string, key: string): Promise<boolean> {
    const id = this.selected!.id;
    const body = { kind: 'exchange', lines, payment: { method: 'card', token: cardToken.trim() }, ...(note.trim() ? { note: note.trim() } : {}) };
    return this.run(() => api<Rma>(`/api/returns/${id}/resolve`, { method: 'POST', body, headers: { 'idempotency-key': key } }));
  }

  resolve(kind: 'refund' | 'store_credit', includeShipping: boolean, note: string): Promise<boolean> {
    const id = this.selected!.id;
    return this.run(() => api<Rma>(`/api/returns/${id}/resolve`, { method: 'POST', body: { kind, includeShipping, ...(note.trim() ? { note: note.trim() } : {}) } }));
  }
}
