import { api, errorMessage } from '../api/client.ts';
import type { Channel, Order, OrderPage, OrderStatus } from '../api/types.ts';

export interface OrderFilters {
  status: OrderStatus | '';
  channel: Channel | '';
  q: string;
  email: string;
}

const PAGE_SIZE = 25;

/** The orders list: filters, cursor pages ("Load more"), and live refresh of the first page. */
export class OrderList {
  filters = $state<OrderFilters>({ status: '', channel: '', q: '', email: '' });
  items = $state<Order[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loadingMore = $state(false);
  error = $state<string | null>(null);
  private generation = 0;

  private query() {
    const { status, channel, q, email } = this.filters;
    return { status, channel, q: q.trim(), email: email.trim(), limit: PAGE_SIZE };
  }

  async search(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await api<OrderPage>('/api/orders', { query: this.query() });
      if (generation !== this.generation) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (generation === this.generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    const generation = this.generation;
    this.loadingMore = true;
    try {
      const page = await api<OrderPage>('/api/orders', { query: { ...this.query(), cursor: this.nextCursor } });
      if (generation !== this.generation) return;
      const seen = new Set(this.items.map((order) => order.id));
      this.items = [...this.items, ...page.items.filter((order) => !seen.has(order.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Live: the first page again, merged in front of what is loaded (new orders on top, changed ones updated). */
  async refreshHead(): Promise<void> {
    const generation = this.generation;
    try {
      const page = await api<OrderPage>('/api/orders', { query: this.query() });
      if (generation !== this.generation) return;
      const fresh = new Map(page.items.map((order) => [order.id, order]));
      const rest = this.items.filter((order) => !fresh.has(order.id));
      this.items = [...page.items, ...rest];
      if (this.items.length === page.items.length) this.nextCursor = page.nextCursor;
    } catch {
      // A failed live refresh keeps what is shown; the next event tries again.
    }
  }
}
