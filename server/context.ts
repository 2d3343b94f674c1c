import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import type { Clock } from './core/clock.ts';
import type { OrderContextReader } from './orders/order-context-reader.ts';
import type { OrderWriter } from './orders/order-writer.ts';
import type { PaymentProvider } from './payments/payment-provider.ts';
import type { SourcingPolicy } from './sourcing/sourcing-policy.ts';

/** What every domain command receives: its dependencies, never HTTP. */
export interface ServiceContext {
  db: Database;
  clock: Clock;
  payments: PaymentProvider;
  paymentTimeoutMs: number;
  logger: Logger;
  /** Writes new orders, several to a statement under load. */
  orderWriter: OrderWriter;
  /** Reads what order capture needs, several orders to a statement under load. */
  orderContextReader: OrderContextReader;
  /** Carriers' rates and the cost rules sourcing weighs (SOURCING_POLICY_FILE, or the defaults). */
  sourcingPolicy: SourcingPolicy;
}
