/**
 * One Jest run over every package; CI reads its JSON result (see .ci/run).
 * `npm run test:unit` is this run without the end-to-end (`*.e2e.spec.ts`) and fault (`test/src/faults/`) suites.
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.spec.json', diagnostics: false }];
const project = (name, extra = {}) => ({
  displayName: name,
  rootDir: `<rootDir>/${name}`,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  ...extra,
});
module.exports = {
  rootDir: __dirname,
  // Jest's 5 s default fails CPU-bound specs (TF.js training) on a loaded machine; speed belongs in benchmarks.
  testTimeout: 60_000,
  projects: [
    project('proto'),
    project('coordinator'),
    project('participant-sdk'),
    project('examples'),
    project('test', { setupFilesAfterEnv: ['<rootDir>/jest.setup.js'] }),
  ],
};
