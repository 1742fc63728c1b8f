// Lint rules: typed checks for promises and switches, and one-way imports between layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders each layer may not import from; see the layout rules in README.md. */
const forbiddenImports = {
  'src/domain/**': ['**/radio/*link*', '**/hub/**', '**/front/**', '**/cli/**', '**/config/**', '**/store/**', 'node:*', 'fs', 'net', 'http', 'https'],
  'src/radio/moteino/**': ['**/hub/**', '**/front/**', '**/cli/**', '**/config/**', 'node:*'],
  'src/radio/mysensors/**': ['**/hub/**', '**/front/**', '**/cli/**', '**/config/**', '**/auth/**', 'node:*'],
  'src/front/**': ['**/hub/**', '**/radio/**', '**/domain/**', '**/cli/**'],
  'src/hub/**': ['**/front/**', '**/cli/**'],
  'src/radio/**': ['**/hub/**', '**/front/**', '**/cli/**'],
  'src/protocol/**': ['**/hub/**', '**/front/**', '**/radio/**', '**/cli/**', 'node:*'],
  'src/config/**': ['**/hub/**', '**/front/**', '**/radio/**', '**/cli/**'],
  'src/auth/**': ['**/hub/**', '**/front/**', '**/radio/**', '**/cli/**'],
  'src/supervisor/**': ['**/cli/**'],
  'web/**': ['**/src/!(protocol)/**', 'node:*'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'demo-data/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test() and describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(forbiddenImports).map(([files, patterns]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: 'This import points the wrong way between layers (see README.md, "Layout").' })) }],
    },
  })),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null },
      globals: { process: 'readonly', URL: 'readonly', console: 'readonly' },
    },
  },
);
