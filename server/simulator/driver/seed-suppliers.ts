import type { SimSupplier, SupplierTerms } from '../suppliers.ts';
import { TowerError, type TowerClient } from './tower-client.ts';

interface TowerSupplier {
  id: string;
  code: string;
}

/**
 * The business's suppliers and their terms for each SKU they sell (cost, lead time, preferred),
 * through Tower's purchasing API, as of `asOfMs`: the supplier id by code. Suppliers and terms
 * already there are left as they are.
 */
export async function seedSuppliers(client: TowerClient, suppliers: readonly SimSupplier[], terms: readonly SupplierTerms[], asOfMs: number): Promise<Map<string, string>> {
  const idByCode = await listSuppliers(client);
  await Promise.all(
    suppliers
      .filter((s) => !idByCode.has(s.code))
      .map(async (s) => {
        try {
          await client.request('POST', '/api/suppliers', { body: { code: s.code, name: s.name, currency: 'USD', leadTimeDays: s.leadTimeDays }, asOf: asOfMs });
        } catch (error) {
          if (!(error instanceof TowerError && error.status === 409)) throw error;
        }
      }),
  );
  const ids = idByCode.size < suppliers.length ? await listSuppliers(client) : idByCode;
  for (const s of suppliers) if (!ids.has(s.code)) throw new Error(`supplier ${s.code} is not in Tower after seeding`);
  await Promise.all(
    suppliers.map(async (s) => {
      const id = ids.get(s.code)!;
      const { body } = await client.request<{ items: { sku: string }[] }>('GET', `/api/suppliers/${id}/products`);
      const known = new Set(body.items.map((p) => p.sku));
      await Promise.all(
        terms
          .filter((t) => t.supplierCode === s.code && !known.has(t.sku))
          .map((t) =>
            client.request('PUT', `/api/suppliers/${id}/products/${encodeURIComponent(t.sku)}`, { body: { unitCostCents: t.unitCostCents, preferred: true }, asOf: asOfMs }),
          ),
      );
    }),
  );
  return ids;
}

async function listSuppliers(client: TowerClient): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const { body } = await client.request<{ items: TowerSupplier[]; nextCursor: string | null }>('GET', `/api/suppliers${query}`);
    for (const s of body.items) ids.set(s.code, s.id);
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}
