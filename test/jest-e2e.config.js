// End-to-end suites: the real application on a real PostgreSQL (DATABASE_URL, else embedded).
import base from '../jest.config.js';

export default {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60_000,
};
