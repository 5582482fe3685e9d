import { TenantsIdentitiesTokens1795392000000 } from './1795392000000-tenants-identities-tokens.js';

/** Every migration, oldest first. `npm run migration:generate -- <name>` appends new ones here. */
export const MIGRATIONS = [TenantsIdentitiesTokens1795392000000];
