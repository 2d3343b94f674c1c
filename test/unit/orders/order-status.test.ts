import { describe, expect, it } from 'vitest';
import { orderStatuses } from '#db/schema/orders.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import { assertTransition, canTransition, orderTransitions } from '#server/orders/order-status.ts';

const pairs = orderStatuses.flatMap((from) => orderStatuses.map((to) => [from, to] as const));

describe('orderTransitions', () => {
  it('has an entry for every status the database knows, and no other', () => {
    expect(Object.keys(orderTransitions).sort()).toEqual([...orderStatuses].sort());
  });

  it('only leads to known statuses, each listed once', () => {
    for (const [from, targets] of Object.entries(orderTransitions)) {
      for (const to of targets) expect(orderStatuses, `${from} → ${to}`).toContain(to);
      expect(new Set(targets).size, from).toBe(targets.length);
    }
  });

  it('lets nothing leave the terminal statuses cancelled and returned', () => {
    expect(orderTransitions.cancelled).toEqual([]);
    expect(orderTransitions.returned).toEqual([]);
  });

  it('never lets a status transition to itself', () => {
    for (const status of orderStatuses) expect(canTransition(status, status), status).toBe(false);
  });

  it('lets an order be cancelled only before it ships', () => {
    const cancellable = orderStatuses.filter((status) => canTransition(status, 'cancelled'));
    expect(cancellable.sort()).toEqual(['allocated', 'backordered', 'on_hold', 'packed', 'picking', 'placed']);
  });

  it('reaches every status from placed by following the table', () => {
    const reached = new Set<string>(['placed']);
    const queue: (typeof orderStatuses)[number][] = ['placed'];
    for (let status = queue.shift(); status; status = queue.shift()) {
      for (const next of orderTransitions[status]) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect([...reached].sort()).toEqual([...orderStatuses].sort());
  });
});

describe('assertTransition', () => {
  it('accepts exactly the pairs in the table and refuses every other pair with invalid_transition', () => {
    for (const [from, to] of pairs) {
      const allowed = orderTransitions[from].includes(to);
      expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed);
      if (allowed) {
        expect(() => assertTransition(from, to), `${from} → ${to}`).not.toThrow();
        continue;
      }
      let thrown: unknown;
      try {
        assertTransition(from, to);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `${from} → ${to}`).toBeInstanceOf(InvalidTransitionError);
      expect(thrown, `${from} → ${to}`).toMatchObject({ type: 'invalid_transition', details: { from, to } });
    }
  });

  it('names both statuses in its message', () => {
    expect(() => assertTransition('shipped', 'cancelled')).toThrow("An order in status 'shipped' cannot become 'cancelled'");
  });
});
