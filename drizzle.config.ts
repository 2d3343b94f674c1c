import { defineConfig } from 'drizzle-kit';

// Only used to generate migrations from db/schema; the running app applies them itself.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
