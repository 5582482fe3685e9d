import {
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
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { ScimBearerGuard } from '../auth/scim-bearer.guard.js';
import { ScimContext, type ScimRequestContext } from '../scim-http/scim-request.js';
import { sendScimResult } from '../scim-http/scim-result.js';
import type { QueryParams } from '../scim-http/scim-query.js';
import { UsersService } from './users.service.js';

/**
 * `/scim/v2/Users` (RFC 7644 §3): an HTTP adapter only, every rule is in UsersService. Paths
 * match without regard to case and with or without a trailing slash (Express routing). Handlers
 * take the response over (`@Res()`) because the status (200/204/304) and the `ETag` and
 * `Location` headers depend on the outcome.
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(
    @ScimContext() context: ScimRequestContext,
    @Body() body: unknown,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.users.create(context, body, query));
  }

  @Get()
  list(
    @ScimContext() context: ScimRequestContext,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.users.list(context, query));
  }

  @Post('.search')
  search(
    @ScimContext() context: ScimRequestContext,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.users.search(context, body));
  }

  @Get(':id')
  get(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.users.get(context, id, query, { ifNoneMatch }));
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
    return sendScimResult(res, this.users.replace(context, id, body, query, { ifMatch }));
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
    return sendScimResult(res, this.users.patch(context, id, body, query, { ifMatch }));
  }

  @Delete(':id')
  delete(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return sendScimResult(res, this.users.delete(context, id, { ifMatch }));
  }
}
