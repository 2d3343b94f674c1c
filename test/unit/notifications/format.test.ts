import { describe, expect, it } from 'vitest';
import { carrierName, formatDateTime, formatMoney } from '#server/notifications/templates/format.ts';
import { escapeHtml, html } from '#server/notifications/templates/html.ts';

describe('formatMoney', () => {
  it('writes cents as the currency writes them', () => {
    expect(formatMoney(123_456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(0, 'GBP')).toBe('£0.00');
    expect(formatMoney(-400, 'EUR')).toBe('-€4.00');
  });

  it('follows the currency’s minor units: none for yen, three for Kuwaiti dinar', () => {
    expect(formatMoney(500, 'JPY')).toBe('¥500');
    expect(formatMoney(1_234_567, 'KWD')).toBe('KWD\u00a01,234.567');
  });

  it('is exact for the largest safe amount (no float rounding)', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
  });

  it('refuses fractions of a cent', () => {
    expect(() => formatMoney(1.5, 'USD')).toThrow(RangeError);
  });
});

describe('formatDateTime', () => {
  it('says the time in UTC and says so', () => {
    expect(formatDateTime(new Date('2026-11-29T16:05:00Z'))).toBe('Sunday, November 29, 2026 at 4:05 PM UTC');
  });
});

describe('carrierName', () => {
  it('names known carriers as customers know them and upper-cases the others', () => {
    expect(carrierName('ups')).toBe('UPS');
    expect(carrierName('FEDEX')).toBe('FedEx');
    expect(carrierName('ontrac')).toBe('ONTRAC');
  });
});

describe('html', () => {
  it('escapes every interpolated value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<script>alert(1)</script>'}</p>`.markup).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('embeds nested html as is, arrays joined, and nothing for null, undefined or false', () => {
    const items = ['a<b', 'c'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });
});
