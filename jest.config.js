/** One Jest run over every package; CI reads its JSON result (see .ci/run). */
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
  projects: [
    project('proto'),
    project('coordinator'),
    project('participant-sdk'),
    project('examples'),
    project('test', { setupFilesAfterEnv: ['<rootDir>/jest.setup.js'] }),
  ],
};
