import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import Redis from 'ioredis';
import {
  ApiErrors,
  AppConfig,
  DatabaseProbeRepository,
  Dependency,
  REDIS,
  serviceUnavailable,
  withDependencyTimeout,
} from '@vetting/core';
import { Public } from '@vetting/identity';

type State = 'up' | 'down';

class DependencyStates {
  @ApiProperty({ enum: ['up', 'down'] }) database!: State;
  @ApiProperty({ enum: ['up', 'down'] }) redis!: State;
}

class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ type: DependencyStates }) dependencies!: DependencyStates;
  @ApiProperty({
    description: 'The earlier (Terminus) shape, kept for existing clients',
    type: 'object',
    additionalProperties: true,
  })
  info!: Record<string, { status: State }>;
}

/**
 * `200 {status: 'ok', dependencies: {database: 'up', redis: 'up'}}`, or `503 SERVICE_UNAVAILABLE` naming
 * the dependency that is down (`details.dependencies`). Each check is bounded by DEPENDENCY_TIMEOUT.
 */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseProbeRepository,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Database and Redis status (503 SERVICE_UNAVAILABLE names the one down)',
  })
  @ApiOkResponse({ type: () => HealthResponse })
  @ApiErrors([503, 'SERVICE_UNAVAILABLE (details.dependencies, details.down)'])
  async check(): Promise<HealthResponse> {
    const [database, redis] = await Promise.all([
      this.probe('database', () => this.database.ping()),
      this.probe('redis', () => this.redis.ping()),
    ]);
    const dependencies = { database, redis };
    const down = (Object.keys(dependencies) as Dependency[]).filter((d) => dependencies[d] === 'down');
    if (down.length > 0) {
      throw serviceUnavailable(down.length === 1 ? down[0] : undefined, { dependencies, down });
    }
    // `info` is the earlier (Terminus) shape, kept for existing clients.
    return { status: 'ok' as const, dependencies, info: { database: { status: database }, redis: { status: redis } } };
  }

  private async probe(dependency: Dependency, check: () => Promise<unknown>): Promise<State> {
    try {
      await withDependencyTimeout(check(), this.config.env.DEPENDENCY_TIMEOUT.toMillis(), dependency);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
