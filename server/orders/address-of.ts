import { sql, type SQL } from 'drizzle-orm';

/**
 * An order's shipping address, looked up by its key for each order (`left join lateral (…) a on
 * true`). A plain join of many orders to `addresses` is hashed over the whole table once the
 * batch is a few hundred orders (a wave, a delivery, the release's candidates), a scan that grows
 * with every order ever placed; `offset 0` keeps the lookup a subquery the planner cannot flatten.
 */
export function addressOf(order: SQL): SQL {
  return sql`select a.* from addresses a where a.id = ${order}.shipping_address_id offset 0`;
}
