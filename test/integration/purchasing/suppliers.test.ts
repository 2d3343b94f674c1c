import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, expectStatus, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { preferredSuppliers } from '#server/purchasing/index.ts';
import { createSupplier, setTerms } from './purchasing-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('suppliers', () => {
  it('are created with a unique code, read, edited and listed by the SKUs they sell', async () => {
    const code = unique('ACME');
    const supplier = await createSupplier(server.api, { code, name: 'Acme', email: 'orders@acme.example', currency: 'EUR', leadTimeDays: 14 });
    expect(supplier).toMatchObject({ code, currency: 'EUR', leadTimeDays: 14 });
    expect((await server.api.post('/api/suppliers', { code, name: 'Again' })).body).toMatchObject({ status: 409, errors: [{ path: 'code', message: 'already exists' }] });
    expect((await server.api.post('/api/suppliers', { code: unique('X'), name: 'Bad', leadTimeDays: -1 })).body.errors[0].path).toBe('leadTimeDays');

    const edited = expectStatus(await server.api.patch(`/api/suppliers/${supplier.id}`, { leadTimeDays: 5, active: false }), 200).body;
    expect(edited).toMatchObject({ leadTimeDays: 5, active: false });
    const product = await createProduct(server.api);
    await setTerms(server.api, supplier.id, product.sku, { unitCostCents: 99, leadTimeDays: 2 });
    const listed = (await server.api.get(`/api/suppliers?sku=${product.sku}`)).body;
    expect(listed.items.map((s: { id: string }) => s.id)).toEqual([supplier.id]);
    const products = (await server.api.get(`/api/suppliers/${supplier.id}/products`)).body.items;
    expect(products).toEqual([expect.objectContaining({ sku: product.sku, unitCostCents: 99, currency: 'EUR', leadTimeDays: 2, effectiveLeadTimeDays: 2, casePack: 1 })]);
    expect((await server.api.put(`/api/suppliers/${supplier.id}/products/NO-SUCH-SKU`, { unitCostCents: 1 })).body.errors).toEqual([
      { path: 'sku', message: 'no product has SKU NO-SUCH-SKU' },
    ]);
    // An inactive supplier takes no orders.
    const locationless = await server.api.post('/api/purchase-orders', { supplierId: supplier.id, locationId: supplier.id, lines: [{ sku: product.sku, quantity: 1 }] });
    expect(locationless.body.errors).toEqual([{ path: 'supplierId', message: expect.stringMatching(/inactive/) }]);
  });

  it('the preferred supplier of a SKU is the one flagged, else the cheapest; flagging another moves the flag', async () => {
    const product = await createProduct(server.api);
    const [cheap, dear, third] = await Promise.all([
      createSupplier(server.api, { leadTimeDays: 20 }),
      createSupplier(server.api, { leadTimeDays: 3 }),
      createSupplier(server.api),
    ]);
    await setTerms(server.api, cheap.id, product.sku, { unitCostCents: 100, casePack: 12, minimumOrderQuantity: 24 });
    await setTerms(server.api, dear.id, product.sku, { unitCostCents: 180 });
    expect((await preferredSuppliers(server.db, [product.sku, 'NOBODY-SELLS-THIS'])).get(product.sku)).toEqual({
      supplierId: cheap.id,
      unitCostCents: 100,
      leadTimeDays: 20,
      minimumOrderQuantity: 24,
      casePack: 12,
      currency: 'USD',
    });
    expect((await preferredSuppliers(server.db, ['NOBODY-SELLS-THIS'])).size).toBe(0);

    await setTerms(server.api, dear.id, product.sku, { unitCostCents: 180, preferred: true });
    expect((await preferredSuppliers(server.db, [product.sku])).get(product.sku)?.supplierId).toBe(dear.id);
    await setTerms(server.api, third.id, product.sku, { unitCostCents: 500, preferred: true });
    expect((await preferredSuppliers(server.db, [product.sku])).get(product.sku)).toMatchObject({ supplierId: third.id, leadTimeDays: 10 });
    const flagged = (await server.api.get(`/api/suppliers/${dear.id}/products`)).body.items[0];
    expect(flagged.preferred).toBe(false);
  });
});
