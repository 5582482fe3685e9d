import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { ServiceIdentityEntity } from '../service-identity.entity.js';
import type { TenantEntity } from '../tenant.entity.js';

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
}

@ObjectType('ServiceIdentity')
export class ServiceIdentityModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field() createdAt!: Date;
}

@InputType()
export class CreateTenantInput {
  @Field()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message:
      'slug must be 1-63 lower-case letters, digits and dashes, starting with a letter or digit',
  })
  slug!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export const toTenantModel = (tenant: TenantEntity): TenantModel => ({
  id: tenant.id,
  slug: tenant.slug,
  name: tenant.name,
  createdAt: tenant.createdAt,
});

export const toServiceIdentityModel = (identity: ServiceIdentityEntity): ServiceIdentityModel => ({
  id: identity.id,
  name: identity.name,
  description: identity.description,
  createdAt: identity.createdAt,
});
