import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#server/config.ts';

describe('email settings', () => {
  it('default to no SMTP server (emails go to files), a From of Tower and links to the local server', () => {
    const config = loadConfig({});
    expect(config.SMTP_URL).toBeUndefined();
    expect(config).toMatchObject({ MAIL_FROM: 'Tower <orders@tower.local>', PUBLIC_URL: 'http://127.0.0.1:3000', MAIL_MAX_ATTEMPTS: 10 });
  });

  it('take smtp:// and smtps:// URLs with credentials, and a public URL without its trailing slash', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:pass@mail.example.com:465', PUBLIC_URL: 'https://shop.example.com/' })).toMatchObject({
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      PUBLIC_URL: 'https://shop.example.com',
    });
  });

  it('reject an SMTP_URL of another scheme and a PUBLIC_URL that is not http(s), naming them', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com', PUBLIC_URL: 'ftp://shop.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://shop.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ MAIL_MAX_ATTEMPTS: '0' })).toThrow(/MAIL_MAX_ATTEMPTS/);
  });
});
