import tseslint from 'typescript-eslint';

const PURE_LIBS = ['libs/blueprint/**/*.ts', 'libs/genesis/**/*.ts', 'libs/scaling/**/*.ts', 'libs/common/**/*.ts', 'libs/llm/**/*.ts', 'libs/manifests/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Layering (docs/ARCHITECTURE.md): the two apps never import each other; both stand on libs/.
  {
    files: ['apps/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)(api|cli)/src(/|$)', message: 'the worker never imports the api or the cli app: move shared code to libs/ (e.g. #cluster)' }] }] },
  },
  {
    files: ['apps/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)(worker|cli)/src(/|$)', message: 'the api never imports the worker or the cli app: move shared code to libs/' }] }] },
  },
  {
    // The operator CLI is an HTTP client of the api: it shares no code with the api or the worker.
    files: ['apps/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)(api|worker)/src(/|$)', message: 'the cli never imports the api or the worker app: it talks to the api over HTTP' },
            { regex: '^#(db|queue|cluster|runtime|config)$', message: 'the cli is an HTTP client: no database, queue or server-side library' },
            { regex: '^@nestjs/', message: 'the cli imports no Nest' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: PURE_LIBS,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)apps/', message: 'libraries never import an app' }] }] },
  },
  {
    // Pure libraries: plain functions with table-driven tests, usable anywhere.
    files: PURE_LIBS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@nestjs/', message: 'pure libraries import no Nest' },
            { regex: '^(typeorm|bullmq|ioredis|pg)$', message: 'pure libraries import no TypeORM, BullMQ or drivers' },
            { regex: '^#(db|queue|cluster|runtime)$', message: 'pure libraries import no framework-bound library' },
            { regex: '(^|/)apps/', message: 'libraries never import an app' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
