// The mutation smoke run inside `npm test` (test/mutation/smoke.test.ts): the project's Stryker
// configuration narrowed to one small, stable file and its unit test, so the setup cannot rot
// unnoticed while the full run (`npm run test:mutation`, an hour or more) stays outside CI.
import { baseConfig } from '../../stryker.config.mjs'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...baseConfig,
  mutate: ['lib/single-flight.ts'],
  mochaOptions: { ...baseConfig.mochaOptions, spec: ['test/unit/single-flight.test.ts'], require: [] },
  concurrency: 1,
  incremental: false,
  reporters: ['json'],
  jsonReporter: { fileName: 'reports/mutation-smoke/mutation.json' },
  // Its own sandbox folder, so it can run beside a full run.
  tempDirName: '.stryker-tmp-smoke',
}
