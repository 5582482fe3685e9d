import { TenantsIdentitiesTokens1795392000000 } from './1795392000000-tenants-identities-tokens.js';
import { ScimUsers1795478400000 } from './1795478400000-scim-users.js';
import { AuditEvents1795478460000 } from './1795478460000-audit-events.js';
import { ApiTokensNotify1795478520000 } from './1795478520000-api-tokens-notify.js';
import { ScimGroups1795478580000 } from './1795478580000-scim-groups.js';
import { PlatformAdminTokens1795478640000 } from './1795478640000-platform-admin-tokens.js';
import { ApiTokensRotation1795478700000 } from './1795478700000-api-tokens-rotation.js';
import { ScimUsersActiveIndex1795478760000 } from './1795478760000-scim-users-active-index.js';

/** Every migration, oldest first. `npm run migration:generate -- <name>` appends new ones here. */
export const MIGRATIONS = [
  TenantsIdentitiesTokens1795392000000,
  ScimUsers1795478400000,
  AuditEvents1795478460000,
  ApiTokensNotify1795478520000,
  ScimGroups1795478580000,
  PlatformAdminTokens1795478640000,
  ApiTokensRotation1795478700000,
  ScimUsersActiveIndex1795478760000,
];
