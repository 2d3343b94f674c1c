import { api, errorMessage } from '../api/client.ts';
import type { AlertStats } from '../api/types.ts';

/** Alert messages arriving in a burst refresh the figures once, this long after the first. */
const REFRESH_AFTER_MS = 1_000;

/**
 * Time to acknowledge and to resolve on the control tower: the alert statistics of the last
 * 7 days, read again shortly after any `alert` message (an acknowledgement or a resolution moves them).
 */
export class AlertResponse {
  stats = $state<AlertStats | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;

  async load(): Promise<void> {
    try {
      this.stats = await api<AlertStats>('/api/alerts/stats');
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** An alert opened, changed or resolved somewhere. */
  onAlert(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, REFRESH_AFTER_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
