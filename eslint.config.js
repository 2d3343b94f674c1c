import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'db/migrations/**', 'test/artifacts/**', 'build/**', 'web/.svelte-kit/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Only the configuration module reads the environment; everything else receives `config`.
    files: ['server/**/*.ts', 'db/**/*.ts', 'analytics/**/*.ts'],
    ignores: ['server/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' }],
    },
  },
  {
    // Routes validate, authorize and call a service; they never touch the database directly.
    files: ['server/**/*.routes.ts', 'server/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['#db/*', 'drizzle-orm', 'drizzle-orm/*', 'pg'], message: 'Routes call domain services; SQL lives next to the service.' }] },
      ],
    },
  },
  {
    // Domain services know nothing of HTTP.
    files: ['server/**/*.ts'],
    // Schemas may describe themselves for OpenAPI: that is documentation, not HTTP handling.
    ignores: ['server/**/*.routes.ts', 'server/**/*.schemas.ts', 'server/http/**', 'server/app.ts', 'server/main.ts', 'server/web/web-app.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['hono', 'hono/*', '@hono/*', '#server/http/*'], message: 'Domain code must not depend on HTTP.' }] }],
    },
  },
  {
    // The simulator drives Tower over its public HTTP API only: Tower's modules are types to it.
    files: ['server/simulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^#(db|analytics|server)/',
              allowTypeImports: true,
              message: 'The simulator speaks to Tower over HTTP; import its types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
