import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode, invalid } from '#common';
import { workerDefinitions } from '#blueprint';
import { BlueprintStore } from '#cluster';
import { AutoscaleSettings, simulateScaling, workerCapacity } from '#scaling';
import { AsRead } from '../auth/auth.decorators';
import { SimulateScalingDto, SimulationDto } from './scaling.dto';

@ApiTags('scaling')
@ApiBearerAuth()
@Controller('api/scaling')
export class ScalingController {
  constructor(private readonly blueprints: BlueprintStore) {}

  /**
   * Replays the autoscaling policy over a metrics trace: the worker-count timeline, the number of
   * scale events and every decision. Tune thresholds here before trusting them; stores nothing.
   */
  @Post('simulate')
  @AsRead()
  @HttpCode(200)
  async simulateScaling(@Body() dto: SimulateScalingDto): Promise<SimulationDto> {
    if ((dto.blueprint_id === undefined) === (dto.scaling === undefined)) {
      throw invalid([{ path: 'blueprint_id', rule: 'exactly_one', message: 'give exactly one of blueprint_id and scaling' }]);
    }
    let settings: AutoscaleSettings;
    let min = dto.min_workers ?? 0;
    let max = dto.max_workers ?? 1000;
    let capacity = { min: 0, max: 1000 };
    if (dto.blueprint_id !== undefined) {
      const { definition } = await this.blueprints.resolve(dto.blueprint_id, undefined, { allowInactive: true });
      if (!definition.cluster.scaling) throw new DomainError(ErrorCode.Unprocessable, `blueprint ${dto.blueprint_id} has no cluster.scaling section to simulate`);
      settings = { mode: 'threshold', ...definition.cluster.scaling };
      min = dto.min_workers ?? definition.cluster.minWorkers;
      max = dto.max_workers ?? definition.cluster.maxWorkers;
      capacity = workerCapacity(workerDefinitions(definition).map((d) => ({ name: d.name, ...d.count })));
    } else {
      const s = dto.scaling!;
      settings = {
        metric: s.metric,
        scaleUpThreshold: s.scale_up_threshold,
        scaleDownThreshold: s.scale_down_threshold,
        cooldownSeconds: s.cooldown_period,
        mode: s.mode ?? 'threshold',
        targetPerWorker: s.target_per_worker,
        targetWaitSeconds: s.target_wait_seconds,
        stabilizationWindowSeconds: s.stabilization_window,
      };
      if (settings.mode === 'target_tracking' && !settings.targetPerWorker) {
        throw invalid([{ path: 'scaling.target_per_worker', rule: 'required', message: 'scaling.target_per_worker is required with mode target_tracking' }]);
      }
    }
    if (min > max) throw invalid([{ path: 'min_workers', rule: 'min_le_max', message: `min_workers (${min}) must be <= max_workers (${max})` }]);
    try {
      const r = simulateScaling({ settings, initialWorkers: dto.initial_workers, min, max, capacity, trace: dto.trace, intervalSeconds: dto.interval_seconds });
      return { timeline: r.timeline, scale_events: r.scale_events, decisions: r.decisions as unknown as Record<string, unknown>[] };
    } catch (e) {
      if (e instanceof RangeError) throw invalid([{ path: 'trace', rule: 'too_long', message: e.message }]);
      throw e;
    }
  }
}
