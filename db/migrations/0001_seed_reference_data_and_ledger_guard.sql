-- The ledger is the history of every stock movement: it may grow, never change.
CREATE FUNCTION inventory_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory_ledger is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;--> statement-breakpoint
CREATE TRIGGER inventory_ledger_append_only
  BEFORE UPDATE OR DELETE ON inventory_ledger
  FOR EACH ROW EXECUTE FUNCTION inventory_ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER inventory_ledger_no_truncate
  BEFORE TRUNCATE ON inventory_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION inventory_ledger_refuse_change();--> statement-breakpoint

INSERT INTO sales_channels (code, name, allow_backorder) VALUES
  ('web', 'Webstore', false),
  ('store', 'Physical stores', false),
  ('marketplace', 'Marketplaces', false),
  ('phone', 'Call center', true),
  ('b2b', 'B2B bulk', true);--> statement-breakpoint

-- US state base sales tax (local surtaxes are not included); a few countries' VAT/GST.
INSERT INTO tax_rates (country, region, rate_ppm) VALUES
  ('US', '', 0),
  ('US', 'AL', 40000), ('US', 'AK', 0), ('US', 'AZ', 56000), ('US', 'AR', 65000), ('US', 'CA', 72500),
  ('US', 'CO', 29000), ('US', 'CT', 63500), ('US', 'DE', 0), ('US', 'DC', 60000), ('US', 'FL', 60000),
  ('US', 'GA', 40000), ('US', 'HI', 40000), ('US', 'ID', 60000), ('US', 'IL', 62500), ('US', 'IN', 70000),
  ('US', 'IA', 60000), ('US', 'KS', 65000), ('US', 'KY', 60000), ('US', 'LA', 50000), ('US', 'ME', 55000),
  ('US', 'MD', 60000), ('US', 'MA', 62500), ('US', 'MI', 60000), ('US', 'MN', 68750), ('US', 'MS', 70000),
  ('US', 'MO', 42250), ('US', 'MT', 0), ('US', 'NE', 55000), ('US', 'NV', 68500), ('US', 'NH', 0),
  ('US', 'NJ', 66250), ('US', 'NM', 48750), ('US', 'NY', 40000), ('US', 'NC', 47500), ('US', 'ND', 50000),
  ('US', 'OH', 57500), ('US', 'OK', 45000), ('US', 'OR', 0), ('US', 'PA', 60000), ('US', 'RI', 70000),
  ('US', 'SC', 60000), ('US', 'SD', 42000), ('US', 'TN', 70000), ('US', 'TX', 62500), ('US', 'UT', 61000),
  ('US', 'VT', 60000), ('US', 'VA', 53000), ('US', 'WA', 65000), ('US', 'WV', 60000), ('US', 'WI', 50000),
  ('US', 'WY', 40000),
  ('CA', '', 50000), ('CA', 'ON', 130000), ('CA', 'NS', 140000), ('CA', 'NB', 150000), ('CA', 'NL', 150000),
  ('CA', 'PE', 150000),
  ('GB', '', 200000), ('DE', '', 190000), ('FR', '', 200000), ('NL', '', 210000), ('AU', '', 100000);--> statement-breakpoint

INSERT INTO shipping_rates (service, currency, base_cents, per_kg_cents, free_over_cents) VALUES
  ('standard', 'USD', 599, 100, 7500), ('express', 'USD', 1499, 250, NULL),
  ('standard', 'CAD', 799, 130, 10000), ('express', 'CAD', 1999, 330, NULL),
  ('standard', 'EUR', 499, 90, 6000), ('express', 'EUR', 1299, 220, NULL),
  ('standard', 'GBP', 449, 80, 5000), ('express', 'GBP', 1199, 200, NULL),
  ('standard', 'AUD', 899, 150, 10000), ('express', 'AUD', 2199, 380, NULL);
