/** Per-tenant settings, stored as JSONB on `tenants.settings`. Absent keys take deployment defaults. */
export interface TenantSettings {
  /** Default lifetime of newly minted SCIM tokens (`30d`, `12w`, `6m`, `1y`). */
  scimTokenDefaultTtl?: string;
}
