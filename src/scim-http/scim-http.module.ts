import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ScimNotImplementedController } from './scim-not-implemented.controller.js';

/** The SCIM transport pieces shared by the resource controllers. Import it after them. */
@Module({ imports: [AuthModule], controllers: [ScimNotImplementedController] })
export class ScimHttpModule {}
