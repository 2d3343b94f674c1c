import type { AlertRule } from '../alert-rule.ts';
import { backlogGrowth } from './backlog-growth.ts';
import { carrierDelay } from './carrier-delay.ts';
import { inventoryIntegrity } from './inventory-integrity.ts';
import { paymentDeclines } from './payment-declines.ts';
import { pipelineLag } from './pipeline-lag.ts';
import { promiseBreachRisk } from './promise-breach-risk.ts';
import { returnRateSpike } from './return-rate-spike.ts';
import { stockOutRisk } from './stock-out-risk.ts';
import { stuckOrders } from './stuck-orders.ts';

/** Every rule the engine evaluates, in evaluation order. A new rule is one module listed here. */
export const allRules: readonly AlertRule[] = [stuckOrders, paymentDeclines, pipelineLag, inventoryIntegrity, backlogGrowth, carrierDelay, stockOutRisk, returnRateSpike, promiseBreachRisk] as readonly AlertRule[];

export function findRule(key: string, rules: readonly AlertRule[] = allRules): AlertRule | undefined {
  return rules.find((rule) => rule.key === key);
}
