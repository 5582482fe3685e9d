import { TenantsIdentitiesTokens1763884800000 } from './1763884800000-tenants-identities-tokens.js';

/** Every migration, oldest first. `npm run migration:generate` prints the line to add here. */
export const MIGRATIONS = [TenantsIdentitiesTokens1763884800000];
