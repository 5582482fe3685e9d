// Settings every e2e run uses unless the caller set them (CI sets DATABASE_URL).
export const TEST_ENV = {
  NODE_ENV: 'test',
  ADMIN_TOKEN: 'test-platform-admin-token-0123456789abcdef',
  TOKEN_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789',
  MIGRATIONS_RUN: 'false',
  LOG_LEVEL: 'info',
  DATA_DIR: '.data/test',
  EMBEDDED_PG_PORT: '54330',
  // No scheduled purge firing inside whichever app a long run happens to have open.
  PURGE_INTERVAL_MS: '0',
  AUDIT_RETENTION_INTERVAL_MS: '0',
};
