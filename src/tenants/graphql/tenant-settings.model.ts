import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { type EffectiveTenantSettings, SETTINGS_LIMITS } from '../tenant-settings.js';

const {
  softDeleteRetentionDays,
  auditRetentionDays,
  verifiedDomains,
  rolePrefix,
  cycleGapMinutes,
} = SETTINGS_LIMITS;

@ObjectType('TenantSettings', { description: "A tenant's settings, with the defaults applied." })
export class TenantSettingsModel {
  @Field(() => ID) tenantId!: string;

  @Field(() => Int, {
    description:
      'Days a deleted SCIM user is kept before it is purged for good (default SOFT_DELETE_RETENTION_DAYS).',
  })
  softDeleteRetentionDays!: number;

  @Field(() => Int, {
    description:
      'Days an audit event is kept before the retention job deletes it (default AUDIT_RETENTION_DAYS).',
  })
  auditRetentionDays!: number;

  @Field(() => [String], {
    description:
      'The only domains a userName or email may have (lower-case, exact match); empty: any domain.',
  })
  verifiedDomains!: string[];

  @Field({
    description: 'Lifetime of a SCIM token minted without one (default SCIM_TOKEN_DEFAULT_TTL).',
  })
  scimTokenDefaultTtl!: string;

  @Field({ description: 'Resources listing a schema URN the tenant does not serve are refused.' })
  strictSchemas!: boolean;

  @Field({
    description: 'Groups whose displayName starts with it are role groups (default role.).',
  })
  rolePrefix!: string;

  @Field(() => Int, {
    description: 'Quiet minutes after which a provisioning cycle is over (default 10).',
  })
  cycleGapMinutes!: number;

  @Field(() => [String], {
    description: 'The settings the tenant has set itself; the others are defaults.',
  })
  customized!: string[];
}

@InputType({
  description:
    'Changes some settings of a tenant: a left-out field stays as it is, a field set to null goes back to its default.',
})
export class UpdateTenantSettingsInput {
  @Field(() => ID)
  @IsUUID()
  tenantId!: string;

  @Field(() => Int, {
    nullable: true,
    description: `${softDeleteRetentionDays.min}-${softDeleteRetentionDays.max} days.`,
  })
  @IsOptional()
  @IsInt()
  @Min(softDeleteRetentionDays.min)
  @Max(softDeleteRetentionDays.max)
  softDeleteRetentionDays?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: `${auditRetentionDays.min}-${auditRetentionDays.max} days.`,
  })
  @IsOptional()
  @IsInt()
  @Min(auditRetentionDays.min)
  @Max(auditRetentionDays.max)
  auditRetentionDays?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: `Up to ${verifiedDomains.max} DNS names (stored lower-case, without duplicates); an empty list: any domain.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(verifiedDomains.max)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  verifiedDomains?: string[] | null;

  @Field(() => String, { nullable: true, description: '30d, 12w, 6m or 1y (at most 3 years).' })
  @IsOptional()
  @IsString()
  @Matches(/^\s*[1-9][0-9]{0,3}[dwmy]\s*$/i, {
    message: 'scimTokenDefaultTtl must look like 30d, 12w, 6m or 1y',
  })
  scimTokenDefaultTtl?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  strictSchemas?: boolean | null;

  @Field(() => String, { nullable: true, description: `1-${rolePrefix.maxLength} characters.` })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(rolePrefix.maxLength)
  rolePrefix?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `${cycleGapMinutes.min}-${cycleGapMinutes.max} minutes.`,
  })
  @IsOptional()
  @IsInt()
  @Min(cycleGapMinutes.min)
  @Max(cycleGapMinutes.max)
  cycleGapMinutes?: number | null;
}

export const toTenantSettingsModel = (
  tenantId: string,
  settings: EffectiveTenantSettings,
): TenantSettingsModel => ({
  tenantId,
  softDeleteRetentionDays: settings.softDeleteRetentionDays,
  auditRetentionDays: settings.auditRetentionDays,
  verifiedDomains: [...settings.verifiedDomains],
  scimTokenDefaultTtl: settings.scimTokenDefaultTtl,
  strictSchemas: settings.strictSchemas,
  rolePrefix: settings.rolePrefix,
  cycleGapMinutes: settings.cycleGapMinutes,
  customized: [...settings.customized],
});
