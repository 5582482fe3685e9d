import {
  All,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ScimBearerGuard } from '../auth/scim-bearer.guard.js';
import { scimFallback } from '../scim-http/scim-not-implemented.controller.js';
import { ScimContext, type ScimRequestContext } from '../scim-http/scim-request.js';
import { sendScimResult } from '../scim-http/scim-result.js';
import type { QueryParams } from '../scim-http/scim-query.js';
import { GroupsService } from './groups.service.js';

/**
 * `/scim/v2/Groups` (RFC 7644 §3): an HTTP adapter only, every rule is in GroupsService. Paths
 * match without regard to case and with or without a trailing slash (Express routing). Handlers
 * take the response over (`@Res()`) because the status (200/204/304) and the `ETag` and
 * `Location` headers depend on the outcome.
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  create(
    @ScimContext() context: ScimRequestContext,
    @Body() body: unknown,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.create(context, body, query));
  }

  @Get()
  list(
    @ScimContext() context: ScimRequestContext,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.list(context, query));
  }

  @Post('.search')
  search(
    @ScimContext() context: ScimRequestContext,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.search(context, body));
  }

  /**
   * Any other method on `/Groups/.search` is the SCIM 405 (with `Allow: POST`) of the fallback
   * controller, rather than a lookup of a group whose id is `.search`.
   */
  @All('.search')
  searchOtherMethods(@Req() req: Request, @Res({ passthrough: true }) res: Response): never {
    const { error, allow } = scimFallback(req.method, req.path);
    if (allow) res.setHeader('Allow', allow);
    throw error;
  }

  @Get(':id')
  get(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.get(context, id, query, { ifNoneMatch }));
  }

  @Put(':id')
  replace(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.replace(context, id, body, query, { ifMatch }));
  }

  @Patch(':id')
  patch(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.patch(context, id, body, query, { ifMatch }));
  }

  @Delete(':id')
  delete(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.groups.delete(context, id, { ifMatch }));
  }
}
