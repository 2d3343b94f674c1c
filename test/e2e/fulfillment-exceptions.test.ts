import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder, unique } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, PASSWORD, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Shipment {
  id: string;
  number: number;
  status: string;
  locationId: string;
  lines: { id: string; sku: string; quantity: number }[];
}

async function shipmentsOf(admin: ApiClient, orderId: string): Promise<Shipment[]> {
  return expectStatus(await admin.get(`/api/fulfillment/shipments?orderId=${orderId}`), 200).body as Shipment[];
}

async function stationOf(email: string): Promise<Page> {
  const page = await newPage(browser);
  await signInThroughForm(page, towerUrl(), email, PASSWORD);
  await page.goto(`${towerUrl()}/fulfillment`);
  return page;
}

describe('fulfillment station: a location that cannot send', () => {
  it('staff reject a shipment for lack of capacity: the queue drops it and the station says where its units went', async () => {
    const admin = await adminApi();
    const staff = await createUser(admin, 'staff');
    const here = staff.locationIds![0]!;
    const product = await createProduct(admin);
    await addStock(admin, product.sku, here, 5);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 2 }])), 201).body as { id: string; number: string };
    // Stock elsewhere arrives after the order was sourced here: the rejection can move the units there.
    const elsewhere = await createLocation(admin, { name: 'Overflow warehouse' });
    await addStock(admin, product.sku, elsewhere.id, 5);
    expectStatus(await admin.post('/api/fulfillment/release', {}), 200);
    const [shipment] = await shipmentsOf(admin, placed.id);
    expect(shipment!.locationId).toBe(here);

    const page = await stationOf(staff.email);
    const open = page.getByRole('region', { name: 'Open shipments' });
    await open.getByRole('link', { name: placed.number }).waitFor();
    await open.getByRole('button', { name: `Cannot send order ${placed.number}, shipment ${shipment!.number}` }).click();
    const form = open.getByRole('form', { name: new RegExp(`Cannot send shipment ${shipment!.number} of order ${placed.number}`) });
    // The reason picker takes the focus, and the form works from the keyboard.
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName)).toBe('SELECT');
    await form.getByLabel('Reason').selectOption('capacity');
    await form.getByText('All 2 units go back to sourcing.').waitFor();
    await screenshot(page, 'fulfillment-reject-form');
    await form.getByRole('button', { name: 'Confirm: reject shipment' }).press('Enter');

    const outcome = page.getByTestId('rejection-outcome');
    await outcome.getByText(`Re-sourced: ${product.sku} × 2 to ${elsewhere.code} · Overflow warehouse.`).waitFor();
    await outcome.getByText('Backordered: nothing.').waitFor();
    await open.getByRole('link', { name: placed.number }).waitFor({ state: 'detached' });
    await screenshot(page, 'fulfillment-reject');

    const after = await shipmentsOf(admin, placed.id);
    expect(after.find((s) => s.id === shipment!.id)!.status).toBe('cancelled');
    expect(after.filter((s) => s.status !== 'cancelled').map((s) => s.locationId)).toEqual([elsewhere.id]);
    const order = expectStatus(await admin.get(`/api/orders/${placed.id}`), 200).body as { lines: { allocations: { locationId: string; quantity: number }[] }[] };
    expect(order.lines[0]!.allocations.filter((a) => a.quantity > 0)).toEqual([{ locationId: elsewhere.id, quantity: 2 }]);
    await page.context().close();
  });

  it('a short pick hands back the missing units; with none anywhere else they are backordered', async () => {
    const admin = await adminApi();
    const staff = await createUser(admin, 'staff');
    const here = staff.locationIds![0]!;
    const product = await createProduct(admin, { backorderable: true });
    await addStock(admin, product.sku, here, 3);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 3 }])), 201).body as { id: string; number: string };
    expectStatus(await admin.post('/api/fulfillment/release', {}), 200);
    const [shipment] = await shipmentsOf(admin, placed.id);

    const page = await stationOf(staff.email);
    const open = page.getByRole('region', { name: 'Open shipments' });
    await open.getByRole('button', { name: `Cannot send order ${placed.number}, shipment ${shipment!.number}` }).click();
    const form = open.getByRole('form', { name: /Cannot send/ });
    await form.getByLabel('Reason').selectOption('short_pick');
    // Sending every unit is no rejection: the API's problem names the field.
    await form.getByRole('button', { name: 'Confirm: reject shipment' }).click();
    await form.getByRole('alert').getByText(/lines/).waitFor();
    await form.getByLabel(`Units of ${product.sku} this location can still send`).fill('1');
    await form.getByRole('button', { name: 'Confirm: reject shipment' }).click();

    const outcome = page.getByTestId('rejection-outcome');
    await outcome.getByText(`Backordered: ${product.sku} × 2.`).waitFor();
    await outcome.getByText('Re-sourced: nothing.').waitFor();

    const [after] = await shipmentsOf(admin, placed.id);
    expect(after!.status).not.toBe('cancelled');
    expect(after!.lines.map((line) => line.quantity)).toEqual([1]);
    const order = expectStatus(await admin.get(`/api/orders/${placed.id}`), 200).body as { lines: { backorderedQuantity: number }[] };
    expect(order.lines[0]!.backorderedQuantity).toBe(2);
    await page.context().close();
  });
});

describe('fulfillment station: pickup at a store', () => {
  it('store staff mark a packed pickup order ready, then hand it to the customer at the counter', async () => {
    const admin = await adminApi();
    const store = await createLocation(admin, { kind: 'store', name: 'Downtown store' });
    const email = `${unique('store-staff')}@example.com`;
    expectStatus(await admin.post('/api/users', { email, name: 'E2E store staff', password: PASSWORD, roles: ['staff'], locationIds: [store.id] }), 201);
    const product = await createProduct(admin);
    await addStock(admin, product.sku, store.id, 4);
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: store.id } });
    const placed = expectStatus(await placeOrder(admin, body), 201).body as { id: string; number: string };
    expectStatus(await admin.post('/api/fulfillment/release', {}), 200);
    const [shipment] = await shipmentsOf(admin, placed.id);
    expectStatus(await admin.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment!.lines.map((line) => line.id) }), 200);
    for (const line of shipment!.lines) expectStatus(await admin.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
    expectStatus(await admin.post(`/api/fulfillment/shipments/${shipment!.id}/pack`, { items: [{ sku: product.sku, quantity: 1 }] }), 200);

    const page = await stationOf(email);
    const shipQueue = page.getByRole('region', { name: 'Ship queue' });
    await shipQueue.getByRole('link', { name: placed.number }).waitFor();
    await shipQueue.getByRole('button', { name: 'Ready for pickup' }).click();

    const counter = page.getByRole('region', { name: 'Pickup counter' });
    await counter.getByRole('link', { name: placed.number }).waitFor();
    expect((await shipmentsOf(admin, placed.id))[0]!.status).toBe('ready_for_pickup');
    await screenshot(page, 'fulfillment-pickup-counter');
    await counter.getByRole('button', { name: `Picked up: order ${placed.number}` }).click();
    await page.getByRole('status').getByText(`Order ${placed.number} handed to the customer`).waitFor();
    await counter.getByText('No orders waiting to be collected.').waitFor();

    expect((await shipmentsOf(admin, placed.id))[0]!.status).toBe('picked_up');
    const order = expectStatus(await admin.get(`/api/orders/${placed.id}`), 200).body as { status: string };
    expect(order.status).toBe('delivered');
    await page.context().close();
  });
});
