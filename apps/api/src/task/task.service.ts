import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, notFound } from '#common';
import { ClusterStatus, TaskStatus } from '#db';
import { BlueprintStore, BudgetService, ClusterLifecycle, ClusterRepository, TaskRepository } from '#cluster';
import { CLOSED } from '#scaling';
import { JobName, JobProducer } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { Principal } from '../auth/auth.decorators';
import { pageWindow } from '../common/paging.dto';
import { CreateTaskDto, ListTasksQuery, mapTask, TaskDto, TaskListDto } from './task.dto';


@Injectable()
export class TaskService {
  private readonly logger = new Logger(TaskService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly clusters: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly lifecycle: ClusterLifecycle,
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly budget: BudgetService,
  ) {}

  /**
   * Stores a queued task and asks the worker to dispatch it. A hibernated cluster accepts it: the
   * task waits until the cluster is awake.
   */
  async submit(clusterId: string, dto: CreateTaskDto, who: Principal | undefined): Promise<TaskDto> {
    const c = await this.clusters.forTaskIntake(clusterId);
    if (!c) throw notFound('cluster', clusterId);
    if (CLOSED.includes(c.status)) throw new DomainError(ErrorCode.Conflict, `cluster ${clusterId} is ${c.status}: it takes no tasks`);
    if (dto.capability !== undefined) {
      const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion);
      const known = new Set(definition.agents.flatMap((a) => a.capabilities));
      for (const a of await this.clusters.presentAgents(clusterId)) a.capabilities.forEach((x) => known.add(x));
      if (!known.has(dto.capability)) {
        throw new DomainError(ErrorCode.Unprocessable, `capability ${dto.capability} is not offered by any agent of cluster ${clusterId} (known: ${[...known].sort().join(', ')})`, {
          problems: [{ path: 'capability', rule: 'known_capability', message: `no agent definition of this cluster has capability ${dto.capability}` }],
        });
      }
    }
    if (c.budgeted) await this.budget.assertWithinBudget(clusterId, `new task for cluster ${clusterId}`);
    const task = await this.tasks.create({
      clusterId,
      status: TaskStatus.Queued,
      input: dto.input,
      capability: dto.capability ?? null,
      priority: dto.priority ?? 0,
      metadata: dto.metadata ?? {},
      maxAttempts: this.runtime.config.tasks.maxAttempts,
      createdBy: who?.keyId ?? null,
    });
    // Work for a hibernated cluster wakes it (when its rules say so); the task waits until workers are live.
    if (c.status === ClusterStatus.Hibernated) await this.lifecycle.wakeForTask(c);
    try {
      await this.jobs.enqueue(JobName.DispatchTasks, { clusterId });
    } catch (e) {
      // stored: the reconcile tick dispatches it once the queue is back
      this.logger.warn(`could not enqueue dispatch for ${clusterId}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return mapTask(task);
  }

  async list(clusterId: string, q: ListTasksQuery): Promise<TaskListDto> {
    if (!(await this.clusters.find(clusterId))) throw notFound('cluster', clusterId);
    const { skip, take } = pageWindow(q);
    const [rows, total] = await this.tasks.list(clusterId, q.status, skip, take);
    return { tasks: rows.map(mapTask), total, page: q.page, page_size: q.page_size };
  }

  async get(id: string): Promise<TaskDto> {
    const t = await this.tasks.find(id);
    if (!t) throw notFound('task', id);
    return mapTask(t);
  }

  /** A queued task never runs; a running one finishes its call but its result is discarded. */
  async cancel(id: string): Promise<TaskDto> {
    const t = await this.tasks.cancel(id);
    if (t) return mapTask(t);
    const existing = await this.tasks.find(id);
    if (!existing) throw notFound('task', id);
    throw new DomainError(ErrorCode.Conflict, `task ${id} is already ${existing.status}`);
  }
}
