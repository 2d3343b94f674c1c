-- Order capture plans a reservation from an unlocked read and writes it in one statement
-- whose updates only take units that are still there. This check ends that statement: when
-- fewer levels were raised than planned, another order took the stock first, and raising
-- an error here undoes the whole statement. TW001 lets Tower tell it from real failures.
CREATE FUNCTION require_planned_reservation(reserved bigint, planned integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF reserved <> planned THEN
    RAISE EXCEPTION 'stock moved: % of % planned inventory levels could be reserved', reserved, planned
      USING ERRCODE = 'TW001';
  END IF;
  RETURN true;
END
$$;
