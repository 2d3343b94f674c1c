-- The role of the history backfill's token: it alone may date requests (x-tower-as-of).
ALTER TYPE "public"."user_role" ADD VALUE IF NOT EXISTS 'simulator';
