// Stops the embedded PostgreSQL that global-setup.js started (if it started one).
export default async function globalTeardown() {
  await globalThis.__musterEmbedded?.stop();
}
