import { IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Task, TaskStatus } from '#db';
import { FreeFormLimits } from '../common/fields';
import { PageQueryDto } from '../common/paging.dto';

export const MAX_TASK_INPUT = 64 * 1024;

export class CreateTaskDto {
  /** what the agent should do (up to 64 KB) */
  @IsString() @MinLength(1) @MaxLength(MAX_TASK_INPUT)
  input!: string;

  /** only an agent with this capability takes the task */
  @IsOptional() @IsString() @MaxLength(100)
  capability?: string;

  /** higher runs first (-100..100, default 0) */
  @IsOptional() @IsInt() @Min(-100) @Max(100)
  priority?: number;

  @IsOptional() @IsObject() @FreeFormLimits()
  metadata?: Record<string, unknown>;
}

export class ListTasksQuery extends PageQueryDto {
  @IsOptional() @IsIn(Object.values(TaskStatus), { message: `status must be one of ${Object.values(TaskStatus).join(', ')}` })
  status?: TaskStatus;
}

export class TaskDto {
  id!: string;
  cluster_id!: string;
  status!: string;
  input!: string;
  capability!: string | null;
  priority!: number;
  metadata!: Record<string, unknown>;
  output!: string | null;
  error!: string | null;
  /** the cluster agent that ran it */
  agent_id!: string | null;
  attempts!: number;
  max_attempts!: number;
  model!: string | null;
  prompt_tokens!: number | null;
  completion_tokens!: number | null;
  cost!: number | null;
  duration_ms!: number | null;
  started_at!: string | null;
  finished_at!: string | null;
  created_at!: string;
}

export class TaskListDto {
  tasks!: TaskDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

export function mapTask(t: Task): TaskDto {
  return {
    id: t.id,
    cluster_id: t.clusterId,
    status: t.status,
    input: t.input,
    capability: t.capability,
    priority: t.priority,
    metadata: t.metadata,
    output: t.output,
    error: t.error,
    agent_id: t.agentId,
    attempts: t.attempts,
    max_attempts: t.maxAttempts,
    model: t.model,
    prompt_tokens: t.promptTokens,
    completion_tokens: t.completionTokens,
    cost: t.cost === null ? null : Number(t.cost),
    duration_ms: t.durationMs,
    started_at: t.startedAt?.toISOString() ?? null,
    finished_at: t.finishedAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
  };
}
