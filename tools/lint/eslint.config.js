// ESLint flat config for the whole repository (re-exported by the root eslint.config.js). It lives
// here so that its imports resolve from tools/lint/node_modules, the lint-only install.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export default tseslint.config(
  // reports/ and .stryker-tmp*/ are the mutation run's output and sandboxes (copies of the repository).
  { ignores: ['dist/**', 'coverage/**', '**/node_modules/**', 'tools/lint/node_modules/**', 'reports/**', '.stryker-tmp*/**', 'test/docs/.snippets/**'] },
  js.configs.recommended,
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // tsconfig.test.json covers lib/ and test/ (and whatever else the type check covers).
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: root },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Passport's `Express.User` is an interface apps augment; declaring it needs a namespace.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // Node-style callbacks hand over their error as received (typed unknown, narrowed to {} by the
      // `err ?` check); passing it on to reject() unchanged is right.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // Tests and benchmarks handle untyped JSON bodies and Passport callbacks on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Fakes implement async interfaces with values at hand.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The consumer apps are compiled in their own temporary project, not by this repository's tsconfig.
    files: ['test/consumer/apps/**'],
    extends: [tseslint.configs.disableTypeChecked],
  },
)
