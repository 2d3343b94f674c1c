import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { locations } from '#db/schema/locations.ts';
import { ValidationError } from '#server/core/errors.ts';

/** A product's drop-ship vendor must be an existing location of kind dropship (422 naming dropshipVendorId). */
export async function checkDropshipVendor(tx: Executor, vendorId: string | null | undefined): Promise<void> {
  if (vendorId === null || vendorId === undefined) return;
  const [vendor] = await tx.select({ kind: locations.kind }).from(locations).where(eq(locations.id, vendorId));
  if (!vendor) throw ValidationError.field('dropshipVendorId', 'no location has this id');
  if (vendor.kind !== 'dropship') throw ValidationError.field('dropshipVendorId', `is a ${vendor.kind}, not a drop-ship vendor`);
}
