// The ceiling of the benchmarks: a bare NestJS-express application (one GET route answering
// `{"status":"ok"}`, no middleware, no logger, no database), started by the benchmarks next to
// the server so that every figure can be quoted as a ratio to it. `PORT` (required), `HOST`
// (127.0.0.1). Not part of the product.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller()
class BareController {
  @Get('bare')
  bare(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const app = await NestFactory.create(BareModule, { logger: false });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
