import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobName, QueueName } from '#queue';
import { coverageProblems } from './consumers';
import { AutoscaleHandler } from './autoscale/autoscale.handler';
import { ClusterHandler } from './cluster/cluster.handler';
import { MetricsHandler } from './metrics/metrics.handler';
import { LifecycleHandler } from './lifecycle/lifecycle.handler';
import { ManifestsHandler } from './manifests/manifests.handler';
import { TaskHandler } from './tasks/task.handler';

// The handlers' own declarations (their constructors only store what they are given).
const declared = [AutoscaleHandler, ClusterHandler, LifecycleHandler, ManifestsHandler, MetricsHandler, TaskHandler].map((H) => new (H as unknown as new () => { queue: QueueName; handles: JobName[] })());

describe('job handler coverage', () => {
  it('gives every job name exactly one handler, on its own queue', () => {
    assert.deepEqual(coverageProblems(declared), []);
  });

  it('names a job nothing runs, a job two handlers claim, a wrong queue and a shared queue', () => {
    const problems = coverageProblems(
      [
        { queue: QueueName.Spawn, handles: [JobName.SpawnCluster, JobName.ReconcileWorkers, JobName.ExecuteTask] },
        { queue: QueueName.Tasks, handles: [JobName.ExecuteTask] },
        { queue: QueueName.Tasks, handles: [] },
      ],
      [JobName.SpawnCluster, JobName.ReconcileWorkers, JobName.ExecuteTask, JobName.Housekeeping],
    );
    assert.deepEqual(problems, [
      'queue tasks has more than one handler',
      'job execute-task has 2 handlers',
      'job execute-task belongs to queue tasks, but its handler consumes spawn',
      'job housekeeping (queue lifecycle) has no handler',
    ]);
  });
});
