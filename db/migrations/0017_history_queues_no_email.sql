-- Customers hear about what happens now. An event dated more than an hour back (a backfill or
-- import through x-tower-as-of) queues no email: nobody wants a confirmation for an order of
-- last spring, and a 60-day backfill would otherwise queue hundreds of thousands of them.
DROP TRIGGER outbox_queue_customer_email ON outbox;--> statement-breakpoint
CREATE TRIGGER outbox_queue_customer_email
  AFTER INSERT ON outbox
  FOR EACH ROW
  WHEN (NEW.aggregate_type = 'order'
    AND NEW.type IN ('order.placed', 'order.shipped', 'order.delivered', 'return.received', 'payment.refunded')
    AND NEW.occurred_at > now() - interval '1 hour')
  EXECUTE FUNCTION outbox_queue_customer_email();
