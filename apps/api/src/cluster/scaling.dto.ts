import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { METRIC_FIELDS } from '#scaling';

const METRICS = Object.keys(METRIC_FIELDS);

/** A scaling section in the blueprint's own names (cluster.scaling). */
export class ScalingSettingsDto {
  @IsIn(METRICS, { message: `metric must be one of ${METRICS.join(', ')}` })
  metric!: string;

  @IsNumber() @Min(-1e9) @Max(1e9)
  scale_up_threshold!: number;

  @IsNumber() @Min(-1e9) @Max(1e9)
  scale_down_threshold!: number;

  /** seconds after a scaling action during which the autoscaler holds */
  @IsInt() @Min(0) @Max(7 * 24 * 3600)
  cooldown_period!: number;

  @IsOptional() @IsIn(['threshold', 'target_tracking'], { message: 'mode must be threshold or target_tracking' })
  mode?: 'threshold' | 'target_tracking';

  @IsOptional() @IsNumber() @Min(0.001) @Max(1e6)
  target_per_worker?: number;

  @IsOptional() @IsNumber() @Min(0.001) @Max(1e6)
  target_wait_seconds?: number;

  @IsOptional() @IsInt() @Min(0) @Max(24 * 3600)
  stabilization_window?: number;
}

/** Metric values, in a sample's field names (a dry run's overrides, a trace point's sample). */
export class MetricOverridesDto {
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) queue_length?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) running?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) oldest_wait_seconds?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) tasks_per_minute?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) avg_response_ms?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) error_rate?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(100) load_percentage?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e6) cpu_usage?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1e9) memory_usage?: number;
}

export class TracePointDto extends MetricOverridesDto {
  /** seconds from the start of the trace */
  @IsNumber() @Min(0) @Max(366 * 24 * 3600)
  t!: number;
}

export class SimulateScalingDto {
  /** a stored blueprint whose scaling section, bounds and worker definitions to use (or give `scaling`) */
  @IsOptional() @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'blueprint_id must be a slug' })
  blueprint_id?: string;

  /** a scaling section to try (or give `blueprint_id`) */
  @IsOptional() @ValidateNested() @Type(() => ScalingSettingsDto)
  scaling?: ScalingSettingsDto;

  @IsInt() @Min(0) @Max(1000)
  initial_workers!: number;

  @IsOptional() @IsInt() @Min(0) @Max(1000)
  min_workers?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  max_workers?: number;

  /** the autoscale tick in seconds; default: one tick per trace point */
  @IsOptional() @IsNumber() @Min(1) @Max(86400)
  interval_seconds?: number;

  /** the metric samples, `t` in seconds (1..10,000 points) */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10000) @ValidateNested({ each: true }) @Type(() => TracePointDto)
  trace!: TracePointDto[];
}

export class SimulationDto {
  /** the pool size after each tick */
  timeline!: { t: number; workers: number }[];
  /** how many ticks changed the size */
  scale_events!: number;
  /** every evaluation, with its reason code and explanation */
  decisions!: Record<string, unknown>[];
}
