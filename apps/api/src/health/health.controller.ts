import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HealthReportDto } from './health.dto';
import { HealthReport, HealthService } from './health.service';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * Database and queue-store checks: 200 when both answer, 503 when one is down. With no live
   * worker process the status is `degraded` but the answer stays 200: the api itself serves, and a
   * load balancer should not take it out of rotation because the workers are gone.
   */
  @Get(['health', 'api/health'])
  @ApiOkResponse({ type: HealthReportDto, description: 'database and queue store answer (status ok, or degraded without a live worker process)' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'the database or the queue store is down' })
  async checkHealth(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    if (!report.dependencies_up) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
