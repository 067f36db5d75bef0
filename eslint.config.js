// The configuration lives in tools/lint/ with the lint-only install (see tools/lint/package.json).
export { default } from './tools/lint/eslint.config.js'
