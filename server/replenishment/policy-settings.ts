import { and, eq } from 'drizzle-orm';
import { products } from '#db/schema/catalog.ts';
import { locations } from '#db/schema/locations.ts';
import { replenishmentSettings } from '#db/schema/replenishment.ts';
import type { Database } from '#db/client.ts';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ReplenishmentDefaults } from './propose-restock.ts';
import type { PolicySettingsInput } from './replenishment.schemas.ts';

type SettingsRow = typeof replenishmentSettings.$inferSelect;

function effective(sku: string, locationId: string, row: SettingsRow | undefined, defaults: ReplenishmentDefaults) {
  return {
    sku,
    locationId,
    serviceLevel: row?.serviceLevel ?? defaults.serviceLevel,
    reviewPeriodDays: row?.reviewPeriodDays ?? defaults.reviewPeriodDays,
    leadTimeDays: row?.leadTimeDays ?? null,
    active: row?.active ?? true,
    custom: row !== undefined,
  };
}

async function assertCell(db: Database, sku: string, locationId: string): Promise<void> {
  const [[product], [location]] = await Promise.all([
    db.select({ sku: products.sku }).from(products).where(eq(products.sku, sku)),
    db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId)),
  ]);
  const errors: FieldError[] = [];
  if (!product) errors.push({ path: 'sku', message: `no product has SKU ${sku}` });
  if (!location) errors.push({ path: 'locationId', message: 'no location has this id' });
  if (errors.length > 0) throw new ValidationError(errors);
}

/** The policy in effect for a SKU at a location: the planner's row over the defaults. */
export async function getPolicySettings(db: Database, sku: string, locationId: string, defaults: ReplenishmentDefaults) {
  await assertCell(db, sku, locationId);
  const [row] = await db.select().from(replenishmentSettings).where(and(eq(replenishmentSettings.sku, sku), eq(replenishmentSettings.locationId, locationId)));
  return effective(sku, locationId, row, defaults);
}

/** Sets some of a SKU × location's policy; `null` returns a field to the default. */
export async function setPolicySettings(db: Database, sku: string, locationId: string, input: PolicySettingsInput, by: string | null, defaults: ReplenishmentDefaults) {
  await assertCell(db, sku, locationId);
  const changes = {
    ...(input.serviceLevel !== undefined ? { serviceLevel: input.serviceLevel } : {}),
    ...(input.reviewPeriodDays !== undefined ? { reviewPeriodDays: input.reviewPeriodDays } : {}),
    ...(input.leadTimeDays !== undefined ? { leadTimeDays: input.leadTimeDays } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
  const [row] = await db
    .insert(replenishmentSettings)
    .values({ sku, locationId, ...changes, updatedBy: by })
    .onConflictDoUpdate({ target: [replenishmentSettings.sku, replenishmentSettings.locationId], set: { ...changes, updatedBy: by, updatedAt: new Date() } })
    .returning();
  return effective(sku, locationId, row, defaults);
}
