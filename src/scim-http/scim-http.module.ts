import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ScimDiscoveryController } from './scim-discovery.controller.js';
import { ScimDiscoveryService } from './scim-discovery.service.js';
import { ScimMediaTypeMiddleware } from './scim-media-type.middleware.js';
import { ScimNotImplementedController } from './scim-not-implemented.controller.js';
import { ScimResponseTypeMiddleware } from './scim-response-type.middleware.js';

/**
 * The SCIM transport pieces shared by the resource controllers, and discovery. Import it after
 * them: its catch-all controller must come after every real SCIM route.
 */
@Module({
  imports: [AuthModule, TenantsModule],
  controllers: [ScimDiscoveryController, ScimNotImplementedController],
  providers: [ScimDiscoveryService],
})
export class ScimHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ScimResponseTypeMiddleware)
      .forRoutes({ path: 'scim/*path', method: RequestMethod.ALL })
      .apply(ScimMediaTypeMiddleware)
      .forRoutes(
        { path: 'scim/*path', method: RequestMethod.POST },
        { path: 'scim/*path', method: RequestMethod.PUT },
        { path: 'scim/*path', method: RequestMethod.PATCH },
      );
  }
}
