CREATE TYPE "public"."notification_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."notification_template" AS ENUM('order_confirmation', 'order_shipped', 'order_delivered', 'return_received', 'refund_issued');--> statement-breakpoint
CREATE TYPE "public"."notification_transport" AS ENUM('smtp', 'file');--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"template" "notification_template" NOT NULL,
	"order_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"transport" "notification_transport",
	"message_id" text,
	"response" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_event_template_key" UNIQUE("event_id","template")
);
--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("next_attempt_at") WHERE "notifications"."status" = 'pending';--> statement-breakpoint

-- Customer emails are queued by the database itself, in the transaction of the event they
-- announce: no command needs to know about emails, an event that rolls back queues nothing,
-- and nothing is lost if the process dies. Order capture writes about 1,000 orders/s, so the
-- WHEN clause keeps every other event free of cost and an order.placed costs one indexed
-- lookup and one small insert. The NOTIFY wakes the senders at commit (folded per transaction).
CREATE FUNCTION outbox_queue_customer_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notifications (event_id, template, order_id, recipient)
  SELECT NEW.event_id,
    CASE NEW.type
      WHEN 'order.placed' THEN 'order_confirmation'
      WHEN 'order.shipped' THEN 'order_shipped'
      WHEN 'order.delivered' THEN 'order_delivered'
      WHEN 'return.received' THEN 'return_received'
      WHEN 'payment.refunded' THEN 'refund_issued'
    END::notification_template,
    o.id, c.email
  FROM orders o JOIN customers c ON c.id = o.customer_id
  WHERE o.id = NEW.aggregate_id;
  PERFORM pg_notify('notifications', '');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER outbox_queue_customer_email
  AFTER INSERT ON outbox
  FOR EACH ROW
  WHEN (NEW.aggregate_type = 'order' AND NEW.type IN ('order.placed', 'order.shipped', 'order.delivered', 'return.received', 'payment.refunded'))
  EXECUTE FUNCTION outbox_queue_customer_email();
