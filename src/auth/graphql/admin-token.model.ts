import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { AdminTokenInfo } from '../tokens.service.js';

@ObjectType('AdminTokenInfo', {
  description: 'An admin token as stored: never the token itself.',
})
export class AdminTokenInfoModel {
  @Field(() => ID) id!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The tenant it administers; null for a platform admin token (every tenant).',
  })
  tenantId!: string | null;

  @Field() label!: string;
  @Field() createdAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('MintedAdminToken')
export class MintedAdminTokenModel {
  @Field({ description: 'The bearer token for /graphql. Shown once; Muster does not keep it.' })
  token!: string;

  @Field(() => AdminTokenInfoModel) info!: AdminTokenInfoModel;
}

@InputType()
export class MintAdminTokenInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The tenant the token administers. Left out: a platform admin token.',
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string | null;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @Field({ nullable: true, description: 'Lifetime: 30d, 12w, 6m or 1y (default 30d).' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,3}[dwmy]$/i, { message: 'expiresIn must look like 30d, 12w, 6m or 1y' })
  expiresIn?: string;
}

export const toAdminTokenInfo = (token: AdminTokenInfo): AdminTokenInfoModel => ({
  id: token.id,
  tenantId: token.tenantId,
  label: token.label,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  lastUsedAt: token.lastUsedAt,
  revokedAt: token.revokedAt,
});
