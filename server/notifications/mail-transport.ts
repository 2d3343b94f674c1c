import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';

export interface OutgoingEmail {
  /** The notification's id: the Message-ID is made from it, so every attempt carries the same one. */
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  kind: 'smtp' | 'file';
  /** Where emails go, for the log (never the SMTP password). */
  destination: string;
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string }>;
  close(): void;
}

/** `<notification-id@tower>`: receivers that deduplicate by Message-ID drop a resend after a crash. */
export function messageIdOf(notificationId: string): string {
  return `<${notificationId}@tower>`;
}

/**
 * SMTP when a URL is configured (pooled connections), else .eml files in `mailDir`, so that on
 * a machine without a mail server emails are kept, readable, and never pretend to be delivered.
 */
export function createMailTransport(options: { smtpUrl?: string | undefined; from: string; mailDir: string }): MailTransport {
  const message = (email: OutgoingEmail) => ({
    from: options.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageIdOf(email.notificationId),
  });
  if (options.smtpUrl) {
    const url = new URL(options.smtpUrl);
    const smtp = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: 3,
      // A server that does not answer must not hold an email past its sender's lease.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      kind: 'smtp',
      destination: `${url.protocol}//${url.host}`,
      async send(email) {
        const info = await smtp.sendMail(message(email));
        return { messageId: info.messageId, response: info.response };
      },
      close: () => smtp.close(),
    };
  }
  const files = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | null = null;
  return {
    kind: 'file',
    destination: options.mailDir,
    async send(email) {
      ready ??= mkdir(options.mailDir, { recursive: true }).catch((error: unknown) => {
        ready = null;
        throw error;
      });
      await ready;
      const info = await files.sendMail(message(email));
      const file = path.join(options.mailDir, `${email.notificationId}.eml`);
      // Written aside and renamed, so a reader never sees half an email.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      return { messageId: info.messageId, response: file };
    },
    close: () => files.close(),
  };
}
