import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
});
