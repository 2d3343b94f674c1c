import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';

export const notificationTemplates = ['order_confirmation', 'order_shipped', 'order_delivered', 'return_received', 'refund_issued'] as const;
export const notificationTemplate = pgEnum('notification_template', notificationTemplates);

export const notificationStatuses = ['pending', 'sent', 'failed'] as const;
export const notificationStatus = pgEnum('notification_status', notificationStatuses);

/** How a sent email left: through SMTP, or written as an .eml file when no SMTP server is configured. */
export const notificationTransports = ['smtp', 'file'] as const;
export const notificationTransport = pgEnum('notification_transport', notificationTransports);

/**
 * One customer email to send. Rows are written by a trigger on `outbox` in the transaction of
 * the event they announce (migration customer_notifications), and sent by server/notifications.
 * No foreign keys: the trigger found the order itself, and order capture pays for every check.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    /** The outbox event this email announces: one email per event and template. */
    eventId: uuid('event_id').notNull(),
    template: notificationTemplate('template').notNull(),
    orderId: uuid('order_id').notNull(),
    /** The customer's address when the event happened. */
    recipient: text('recipient').notNull(),
    status: notificationStatus('status').notNull().default('pending'),
    /** Sends started, counted when a sender claims the row (a crash mid-send counts too). */
    attempts: integer('attempts').notNull().default(0),
    /** When a pending row is due; a claimed row is pushed past its sender's lease. */
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    sentAt: timestamptz('sent_at'),
    transport: notificationTransport('transport'),
    /** The Message-ID header, `<id@tower>`: the same on every attempt, so receivers can drop a resend. */
    messageId: text('message_id'),
    /** The SMTP server's answer to the message (its queue id), or the file written. */
    response: text('response'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('notifications_event_template_key').on(t.eventId, t.template),
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);
