import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ScimMediaTypeMiddleware } from './scim-media-type.middleware.js';
import { ScimNotImplementedController } from './scim-not-implemented.controller.js';

/** The SCIM transport pieces shared by the resource controllers. Import it after them. */
@Module({ imports: [AuthModule], controllers: [ScimNotImplementedController] })
export class ScimHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ScimMediaTypeMiddleware)
      .forRoutes(
        { path: 'scim/*path', method: RequestMethod.POST },
        { path: 'scim/*path', method: RequestMethod.PUT },
        { path: 'scim/*path', method: RequestMethod.PATCH },
      );
  }
}
