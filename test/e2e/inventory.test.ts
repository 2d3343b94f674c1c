import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, setSafetyStock } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('inventory', () => {
  it('a planner sees availability per SKU and location, and a level under its safety stock listed as low', async () => {
    const admin = await adminApi();
    const location = await createLocation(admin);
    const product = await createProduct(admin);
    await addStock(admin, product.sku, location.id, 3);
    await setSafetyStock(admin, product.sku, location.id, 5);
    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.goto(`${towerUrl()}/inventory`);
    await page.getByRole('table', { name: 'Availability' }).getByRole('rowheader', { name: product.sku }).waitFor();
    await page.getByRole('region', { name: 'Low stock' }).getByText(product.sku).waitFor();
    await screenshot(page, 'inventory');
    await page.context().close();
  });

  it('opens filtered from a link (?sku=&locationId=, as an alert links its SKUs) and keeps the filters in the address', async () => {
    const admin = await adminApi();
    const location = await createLocation(admin);
    const wanted = await createProduct(admin);
    const other = await createProduct(admin);
    await addStock(admin, wanted.sku, location.id, 4);
    await addStock(admin, other.sku, location.id, 6);
    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.goto(`${towerUrl()}/inventory?sku=${encodeURIComponent(wanted.sku)}&locationId=${location.id}`);
    const table = page.getByRole('table', { name: 'Availability' });
    await table.getByRole('rowheader', { name: wanted.sku }).waitFor();
    await expect(table.getByRole('rowheader').count()).resolves.toBe(1);
    const filters = page.getByRole('search', { name: 'Filter inventory' });
    await expect(filters.getByLabel('SKU').inputValue()).resolves.toBe(wanted.sku);
    await expect(filters.getByLabel('Location').inputValue()).resolves.toBe(location.id);

    await filters.getByLabel('SKU').fill(other.sku);
    await filters.getByRole('button', { name: 'Apply' }).click();
    await table.getByRole('rowheader', { name: other.sku }).waitFor();
    await expect(table.getByRole('rowheader', { name: wanted.sku }).count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.get('sku')).toBe(other.sku);
    expect(new URL(page.url()).searchParams.get('locationId')).toBe(location.id);
    await page.context().close();
  });
});
