import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MikroORM } from '@mikro-orm/postgresql';
import Redis from 'ioredis';
import { ApiErrors, REDIS } from '@vetting/core';
import { Public } from '@vetting/identity';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly orm: MikroORM,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ operationId: 'getHealth', summary: 'Database and Redis status' })
  @ApiErrors(500)
  check() {
    return this.health.check([
      async () => {
        const probe = this.indicator.check('database');
        try {
          await this.orm.em.fork().getConnection().execute('select 1');
          return probe.up();
        } catch (err) {
          return probe.down({ message: (err as Error).message });
        }
      },
      async () => {
        const probe = this.indicator.check('redis');
        try {
          await this.redis.ping();
          return probe.up();
        } catch (err) {
          return probe.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
