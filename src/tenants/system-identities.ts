/** The service identity Entra provisioning acts as; SCIM tokens are minted from it. */
export const SYS_SCIM = 'sys.scim';

/** Every identity a tenant must have, with its description. */
export const SYSTEM_IDENTITIES: ReadonlyArray<{ name: string; description: string }> = [
  { name: SYS_SCIM, description: 'Entra ID (SCIM) provisioning' },
];
