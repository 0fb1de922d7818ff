/**
 * A baseline server for HTTP read benchmarks: a bare Nest app (express platform, default options) whose one
 * `GET /api/<path>` sits behind a minimal guard verifying the api's JWT with @nestjs/jwt (HS256, the same secret
 * as a ready KeyObject, as the api does) and answers `{ id, role }` from the claims — no database.
 * Used by bench/auth-read.ts and bench/slots-http.ts.
 */
import 'reflect-metadata';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { KeyObject, createSecretKey } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { onCleanup } from './support';

const BASELINE_KEY = Symbol('baseline-jwt-key');

@Injectable()
class BareJwtGuard implements CanActivate {
  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(BASELINE_KEY) private readonly key: KeyObject,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest();
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) throw new UnauthorizedException();
    try {
      req.claims = this.jwt.verify(m[1], { secret: this.key as unknown as string, algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

/** Starts the baseline, listening on 127.0.0.1:0, answering `GET /api/<path>`; returns its base URL. */
export async function startBareJwtServer(secret: string, path: string): Promise<string> {
  @Controller()
  class BareController {
    @Get(path)
    @UseGuards(BareJwtGuard)
    me(@Req() req: { claims: { sub: string; role: string } }) {
      return { id: req.claims.sub, role: req.claims.role };
    }
  }

  @Module({
    imports: [JwtModule.register({})],
    controllers: [BareController],
    providers: [BareJwtGuard, { provide: BASELINE_KEY, useValue: createSecretKey(Buffer.from(secret)) }],
  })
  class BareModule {}

  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  app.setGlobalPrefix('api');
  onCleanup('baseline app', () => app.close());
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}
