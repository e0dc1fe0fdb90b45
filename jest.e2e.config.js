/** Real-build tests (`*.e2e.ts`, which `npm test` does not match): each builds images with buildah, so they run apart from `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 300000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
};
