import { inArray } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { users } from '#db/schema/identity.ts';
import { orders } from '#db/schema/orders.ts';
import { affectedList } from './alert-actions.ts';
import type { AlertView } from './alert-view.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PresentedAlert = AlertView & { assigneeName: string | null };

/**
 * Alerts as people read them: the assignee's name, and the order numbers of what they list
 * (`affected.orderNumbers`, id → number) beside the ids the rules wrote. Two reads for any
 * number of alerts; rules never look these up.
 */
export async function presentAlerts<T extends AlertView>(db: Executor, views: readonly T[]): Promise<(T & { assigneeName: string | null })[]> {
  const assignees = [...new Set(views.map((v) => v.assignee).filter((id): id is string => id !== null))];
  const orderIds = [...new Set(views.flatMap((v) => affectedList(v.affected, 'orders')).filter((id) => UUID.test(id)))];
  const [people, numbers] = await Promise.all([
    assignees.length > 0 ? db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, assignees)) : [],
    orderIds.length > 0 ? db.select({ id: orders.id, number: orders.number }).from(orders).where(inArray(orders.id, orderIds)) : [],
  ]);
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  const numberOf = new Map(numbers.map((o) => [o.id, o.number]));
  return views.map((view) => {
    const listed = affectedList(view.affected, 'orders');
    const affected = listed.length > 0 ? { ...view.affected, orderNumbers: Object.fromEntries(listed.filter((id) => numberOf.has(id)).map((id) => [id, numberOf.get(id)!])) } : view.affected;
    return { ...view, affected, assigneeName: view.assignee ? (nameOf.get(view.assignee) ?? null) : null };
  });
}

export async function presentAlert<T extends AlertView>(db: Executor, view: T): Promise<T & { assigneeName: string | null }> {
  const [presented] = await presentAlerts(db, [view]);
  return presented!;
}
