import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { ApiTokenEntity } from '../api-token.entity.js';

@ObjectType('ScimTokenInfo', { description: 'A SCIM token as stored: never the token itself.' })
export class ScimTokenInfoModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) tenantId!: string;
  @Field() label!: string;
  @Field() createdAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => ID, {
    nullable: true,
    description:
      'The token that replaced this one (rotateScimToken); it expires after the overlap.',
  })
  replacedBy!: string | null;
}

@ObjectType('RotatedScimToken')
export class RotatedScimTokenModel {
  @Field({ description: 'The new bearer token. Shown once; Muster does not keep it.' })
  token!: string;

  @Field(() => ScimTokenInfoModel, { description: 'The new token.' })
  info!: ScimTokenInfoModel;

  @Field(() => ScimTokenInfoModel, {
    description: 'The old token: it keeps working until its expiresAt (the end of the overlap).',
  })
  previous!: ScimTokenInfoModel;
}

@ObjectType('MintedScimToken')
export class MintedScimTokenModel {
  @Field({ description: 'The bearer token. Shown once; Muster does not keep it.' })
  token!: string;
  @Field(() => ScimTokenInfoModel) info!: ScimTokenInfoModel;
}

@InputType()
export class MintScimTokenInput {
  @Field(() => ID)
  @IsUUID()
  tenantId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @Field({
    nullable: true,
    description: 'Lifetime: 30d, 12w, 6m or 1y (default: the tenant or deployment default).',
  })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,3}[dwmy]$/i, { message: 'expiresIn must look like 30d, 12w, 6m or 1y' })
  expiresIn?: string;
}

export const toScimTokenInfo = (token: ApiTokenEntity): ScimTokenInfoModel => ({
  id: token.id,
  tenantId: token.tenantId,
  replacedBy: token.replacedBy,
  label: token.label,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  lastUsedAt: token.lastUsedAt,
  revokedAt: token.revokedAt,
});
