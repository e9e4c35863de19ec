import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { TaskStatus } from '#db';
import { LlmProvider, modelFor, priceOf } from '#llm';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { BudgetService, ClusterRepository, TASK_LLM, TaskOutcome, TaskRepository } from '#cluster';
import { RUNNABLE } from '#scaling';
import { JobHandler } from '../consumers';

/** Prices in the LLM_PRICES table are in this currency. */
export const PRICE_CURRENCY = 'USD';

/**
 * The tasks queue. Dispatch gives queued tasks to idle workers under the cluster's row lock, so
 * however many worker processes run, an agent holds at most one task and a cluster runs at most
 * as many tasks as it has idle workers to give them to. Execution calls the LLM; BullMQ retries a
 * failed call with backoff while the agent stays reserved for the task. The job owns the retries on
 * this path (TASK_LLM tries each call once); the task's failed calls are counted in its row.
 */
@Injectable()
export class TaskHandler implements JobHandler {
  readonly queue = QueueName.Tasks;
  readonly handles = [JobName.DispatchTasks, JobName.ExecuteTask];
  private readonly logger = new Logger(TaskHandler.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly clusters: ClusterRepository,
    private readonly jobs: JobProducer,
    @Inject(TASK_LLM) private readonly llm: LlmProvider,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly budget: BudgetService,
  ) {}

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.DispatchTasks:
        return this.dispatch((job.data as JobPayloads[JobName.DispatchTasks]).clusterId);
      case JobName.ExecuteTask:
        return this.execute(job as Job<JobPayloads[JobName.ExecuteTask]>);
      default:
        throw new Error(`tasks queue has no handler for job ${job.name}`);
    }
  }

  private async dispatch(clusterId: string): Promise<{ assigned: number }> {
    const assigned = await this.tasks.transaction(async (m) => {
      const c = await this.clusters.lockForDispatch(m, clusterId);
      if (!c || !RUNNABLE.includes(c.status)) return [];
      const idle = await this.tasks.idleWorkers(m, clusterId);
      if (!idle.length) return [];
      const queued = await this.tasks.queued(m, clusterId, Math.max(50, idle.length * 4), c.budgeted);
      const pairs: { taskId: string; agentId: string; reservedCost: number; attemptsLeft: number }[] = [];
      // no budget, nothing to hold against: dispatch stays as cheap as without the feature
      const gate = c.budgeted ? await this.budget.gate(m, clusterId) : undefined;
      for (const task of queued) {
        const i = idle.findIndex((a) => !task.capability || a.capabilities.includes(task.capability));
        if (i < 0) continue; // waits for an agent with its capability; later tasks may still fit others
        // over budget: stays queued until the hard limit is raised or the period resets
        const reserved = gate ? await gate.reserve(task.input ?? '', idle[i]) : 0;
        if (reserved === null) continue;
        const [agent] = idle.splice(i, 1);
        pairs.push({ taskId: task.id, agentId: agent.id, reservedCost: reserved, attemptsLeft: task.maxAttempts - task.attempts });
        if (!idle.length) break;
      }
      const taken = await this.tasks.assignMany(m, pairs);
      return pairs.filter((p) => taken.has(p.taskId));
    });
    // The assignments are committed: a job lost from here on (this process dies, the queue is
    // down) is found by the recovery pass, which sees a running task with no live job.
    await enqueueExecutions(
      this.jobs,
      assigned.map((p) => ({ data: { clusterId, taskId: p.taskId, agentId: p.agentId }, attemptsLeft: p.attemptsLeft })),
    );
    return { assigned: assigned.length };
  }

  private async execute(job: Job<JobPayloads[JobName.ExecuteTask]>): Promise<unknown> {
    const { clusterId, taskId, agentId } = job.data;
    const { task, agent: ctx } = await this.tasks.forExecution(taskId, agentId);
    if (!task || task.status !== TaskStatus.Running || task.agentId !== agentId) {
      // Cancelled (or already finished by an earlier run of this job): free the agent if it still holds it.
      if (task && task.status !== TaskStatus.Running) await this.release(clusterId, taskId, agentId);
      return { skipped: task?.status ?? 'missing' };
    }
    // Attempts spent before (the recovery pass re-enqueued a task whose job had failed for good).
    if (task.attempts >= task.maxAttempts) return this.fail(clusterId, taskId, agentId, task.error ?? 'no attempts left', 0);
    if (!ctx) return { skipped: 'agent missing' };

    const cfg = ctx.config as { model?: string; temperature?: number; max_tokens?: number };
    const started = Date.now();
    let r: Awaited<ReturnType<LlmProvider['chat']>>;
    try {
      r = await this.llm.chat({
        messages: [
          { role: 'system', content: ctx.systemPrompt },
          { role: 'user', content: task.input },
        ],
        model: modelFor(this.llm, cfg.model),
        temperature: cfg.temperature,
        maxTokens: cfg.max_tokens,
      });
    } catch (e) {
      // Only the LLM's failures count against the task; an error of our own (the database, the
      // queue) is thrown from outside this block and retried by the job without using an attempt.
      const error = e instanceof Error ? e.message : String(e);
      const calls = await this.tasks.recordFailure(taskId, error);
      if (calls < task.maxAttempts) throw e; // BullMQ retries after its backoff; the agent stays with the task
      this.logger.warn({ taskId, attempts: calls, error }, 'task failed');
      return this.fail(clusterId, taskId, agentId, error, Date.now() - started);
    }
    const cost = priceOf(this.runtime.config.llm.prices, r.model, r.usage.prompt_tokens, r.usage.completion_tokens);
    await this.finish(clusterId, taskId, agentId, {
      status: TaskStatus.Succeeded,
      output: r.content,
      error: null,
      model: r.model,
      promptTokens: r.usage.prompt_tokens,
      completionTokens: r.usage.completion_tokens,
      cost,
      durationMs: Date.now() - started,
    });
    return { succeeded: taskId };
  }

  private async fail(clusterId: string, taskId: string, agentId: string, error: string, durationMs: number): Promise<unknown> {
    const outcome = { status: TaskStatus.Failed as const, output: null, error, model: null, promptTokens: null, completionTokens: null, cost: 0, durationMs };
    await this.finish(clusterId, taskId, agentId, outcome);
    return { failed: taskId };
  }

  private async finish(clusterId: string, taskId: string, agentId: string, outcome: TaskOutcome): Promise<void> {
    await this.afterRelease(clusterId, agentId, await this.tasks.finish(taskId, agentId, outcome, PRICE_CURRENCY));
  }

  private async release(clusterId: string, taskId: string, agentId: string): Promise<void> {
    await this.afterRelease(clusterId, agentId, await this.tasks.release(taskId, agentId));
  }

  /**
   * A freed agent takes the next task. First the agent itself claims the most urgent queued task
   * it can run (one statement, `claimNext`); when it takes none (nothing it can run, a budget to
   * reserve against, the cluster no longer running) this job runs the cluster's dispatch pass
   * itself, which costs one transaction where a dispatch job cost a queue round trip, a job's life
   * cycle and then the same transaction. A drained agent lets the cluster finish its scale-down.
   * The outcome is already committed, so a failure here must not fail (and retry) this job: the
   * dispatch falls back to a job, and the reconcile tick dispatches and reconciles whatever is
   * left after that.
   */
  private async afterRelease(clusterId: string, agentId: string, agentStatus: string): Promise<void> {
    try {
      if (agentStatus === 'stopped') await this.jobs.enqueue(JobName.ReconcileWorkers, { clusterId });
      const next = agentStatus === 'idle' ? await this.tasks.claimNext(clusterId, agentId) : null;
      // committed: if this enqueue is lost, the recovery pass finds the running task without a job
      if (next) await enqueueExecutions(this.jobs, [{ data: { clusterId, taskId: next.taskId, agentId }, attemptsLeft: next.attemptsLeft }]);
      else await this.dispatch(clusterId);
    } catch (e) {
      this.logger.warn(`follow-up for cluster ${clusterId} not done here (${e instanceof Error ? e.message : String(e)}); handing it to a dispatch job`);
      await this.jobs.enqueue(JobName.DispatchTasks, { clusterId }).catch((e2: unknown) => {
        this.logger.warn(`dispatch for cluster ${clusterId} not enqueued (${e2 instanceof Error ? e2.message : String(e2)}); the reconcile tick will do it`);
      });
    }
  }
}

/**
 * Enqueues tasks' executions, in one queue round trip. Each job id is per task and agent, so a
 * duplicate is a no-op; a few attempts beyond the task's own cover runs lost to crashes or
 * outages, which do not count against the task (its failed calls are counted in the database).
 * Exponential backoff from 1 s.
 */
export function enqueueExecutions(jobs: JobProducer, runs: { data: JobPayloads[JobName.ExecuteTask]; attemptsLeft: number }[]): Promise<void> {
  if (!runs.length) return Promise.resolve();
  const left = new Map(runs.map((r) => [r.data.taskId, r.attemptsLeft]));
  return jobs.enqueueMany(
    JobName.ExecuteTask,
    runs.map((r) => r.data),
    (d) => ({ attempts: Math.max(1, left.get(d.taskId) ?? 1) + 2, backoff: { type: 'exponential', delay: 1000 } }),
  );
}
