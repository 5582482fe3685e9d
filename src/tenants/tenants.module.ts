import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScimSchemaRegistryService } from './scim-schema-registry.service.js';
import { ServiceIdentityEntity } from './service-identity.entity.js';
import { TenantSettingsService } from './tenant-settings.service.js';
import { TenantEntity } from './tenant.entity.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ServiceIdentityEntity])],
  providers: [TenantsRepository, TenantsService, ScimSchemaRegistryService, TenantSettingsService],
  exports: [TenantsService, ScimSchemaRegistryService, TenantSettingsService],
})
export class TenantsModule {}
