import { Injectable, Logger } from '@nestjs/common';
import { TaskRepository } from '#cluster';
import { jobIdentity, JobName, JobProducer, QueueName } from '#queue';
import { enqueueExecutions } from './task.handler';

/** Job states in which an execution is still going to happen. */
const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** A task assigned less than this long ago may not have its job yet (it is enqueued after the commit). */
const ASSIGN_GRACE_SECONDS = 5;
/** A task that ended less than this long ago may still be freeing its agent. */
const FREE_GRACE_SECONDS = 30;
/** Running tasks checked per pass, oldest first; the next pass takes the rest. */
const BATCH = 1000;

export interface RecoveryResult {
  checked: number;
  requeued: number;
  agentsFreed: number;
}

/**
 * Level-triggered repair of task execution, in the style of a Kubernetes controller: compare what
 * the database says (tasks running, agents busy) with what the queue holds, and repair the
 * difference. Run by every reconcile tick, so it survives anything that loses jobs: a worker
 * killed between committing assignments and enqueueing their jobs, a Redis that restarted empty,
 * jobs that used up their attempts while PostgreSQL was down.
 */
@Injectable()
export class TaskRecovery {
  private readonly logger = new Logger(TaskRecovery.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly jobs: JobProducer,
  ) {}

  async repair(): Promise<RecoveryResult> {
    const queue = this.jobs.queue(QueueName.Tasks);
    const running = await this.tasks.running(ASSIGN_GRACE_SECONDS, BATCH);
    let requeued = 0;
    for (const t of running) {
      const data = { clusterId: t.clusterId, taskId: t.id, agentId: t.agentId };
      const { jobId } = jobIdentity(JobName.ExecuteTask, data);
      const job = await queue.getJob(jobId!);
      const state = job ? await job.getState() : 'missing';
      if (LIVE.has(state)) continue;
      // Gone, or ended without ending the task (failed for good, e.g. its attempts went on an
      // outage). A finished job keeps its id taken, so it is removed before the new one is added.
      // The new run fails the task with its last error if its own attempts are spent.
      if (job) await job.remove();
      await enqueueExecutions(this.jobs, [{ data, attemptsLeft: t.maxAttempts - t.attempts }]);
      requeued++;
      this.logger.warn({ taskId: t.id, jobState: state, attempts: t.attempts }, 'running task had no live job: enqueued again');
    }
    // Agents whose task ended without freeing them (the run that would have was lost).
    const clusters = await this.tasks.freeStrandedAgents(FREE_GRACE_SECONDS);
    for (const clusterId of clusters) {
      await this.jobs.enqueue(JobName.DispatchTasks, { clusterId });
      await this.jobs.enqueue(JobName.ReconcileWorkers, { clusterId });
    }
    if (clusters.length) this.logger.warn({ clusters: clusters.length }, 'freed agents stranded by a lost run');
    return { checked: running.length, requeued, agentsFreed: clusters.length };
  }
}
