-- The stock levels one statement reserves, as rows the planner expects to be few. Order
-- capture reads its batch from JSON, which PostgreSQL assumes to hold 100 rows; on a small
-- inventory_levels table that made the reservation UPDATE hash-join a sequential scan of every
-- level (rows then lock in physical order, not in the (sku, location) order that keeps
-- concurrent orders from deadlocking, and the scan grows with the table). Declared STRICT so
-- it is not inlined: only then does the planner use its ROWS estimate, and the update walks
-- the demand in order through the primary key.
CREATE FUNCTION reservation_demand_rows(demand json)
RETURNS TABLE (sku text, location_id uuid, quantity integer)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 4 AS $$
  SELECT d.sku, d.location_id, d.quantity
  FROM json_to_recordset(demand) AS d(sku text, location_id uuid, quantity integer)
$$;
