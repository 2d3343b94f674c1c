import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const expectedNavigation = {
  manager: ['Control tower', 'Orders', 'Alerts', 'Inventory', 'Fulfillment', 'Returns', 'Forecasts', 'Purchasing', 'Track an order'],
  planner: ['Control tower', 'Orders', 'Alerts', 'Inventory', 'Forecasts', 'Purchasing', 'Track an order'],
  staff: ['Orders', 'Alerts', 'Inventory', 'Fulfillment', 'Returns', 'Purchasing', 'Track an order'],
} as const;

describe('signing in', () => {
  it('a signed-out visitor is sent to the login page, and a wrong password is said so', async () => {
    const page = await newPage(browser);
    await page.goto(`${towerUrl()}/orders`);
    await page.waitForURL(/\/login\?next=%2Forders/);
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/./);
    await screenshot(page, 'login');
    await page.context().close();
  });

  for (const [role, labels] of Object.entries(expectedNavigation)) {
    it(`a ${role} sees exactly the pages a ${role} may use, and lands on the first`, async () => {
      const user = await createUser(await adminApi(), role as keyof typeof expectedNavigation);
      const page = await newPage(browser);
      await signInThroughForm(page, towerUrl(), user.email, user.password);
      const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      expect(links.map((text) => text.trim())).toEqual(labels);
      const home = role === 'staff' ? '/orders' : '/tower';
      await page.waitForURL(`${towerUrl()}${home}`);
      // A page outside the role's navigation sends it home rather than showing a 403.
      if (role !== 'manager') {
        await page.goto(`${towerUrl()}${role === 'staff' ? '/tower' : '/returns'}`);
        await page.waitForURL(`${towerUrl()}${home}`);
      }
      await page.context().close();
    });
  }
});
