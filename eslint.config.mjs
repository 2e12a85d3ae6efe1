// Lint for the whole project, with the workflow sandbox's rules on `workflows/`: workflows must
// import activities as types only, never drop a promise, and never reach for Node built-ins (the
// workflow bundle has none, and anything non-deterministic breaks replay).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'test-output/**', 'bench/results/**', 'examples/**/*.js', 'scripts/**', 'dist/**', 'simulator/invoke/*.js'] },
  ...tseslint.configs.recommended,
  // The CommonJS entry point of the `scf-release` command: it must `require` (tsx's hook, then the CLI).
  { files: ['client/bin.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic and sandboxed: no Node built-ins (do I/O in an activity).' })) }],
    },
  },
);
