import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, KeyedSerial, notFound } from '#common';
import { workerDefinitions } from '#blueprint';
import { Cluster, ClusterStatus, ScalingDecision, ScalingSource } from '#db';
import { JobName, JobProducer } from '#queue';
import { ClusterIntent, ClusterPatch, ClusterState, planSettlement, planTransition, Settlement, TransitionResult, workerCapacity } from '#scaling';
import { BlueprintStore } from './blueprint.store';
import { BudgetService } from './budget.service';
import { ClusterCounts, ClusterRepository } from './cluster.repository';

/** Who asked for a transition, for the decision log. */
export interface Actor {
  source: ScalingSource;
  requestedBy: string;
}

export interface Applied {
  cluster: Cluster;
  decision: ScalingDecision | null;
  /** the cluster's counts as read under its lock (the answer needs no second read); unset from applyLocked */
  counts?: ClusterCounts;
}

const toError = (r: Extract<TransitionResult, { ok: false }>, id: string) =>
  new DomainError(r.code, r.message.replace(/^cluster /, `cluster ${id} `), r.problems ? { problems: r.problems } : undefined);

/**
 * The one path by which a cluster's status and worker target change. The decision comes from the
 * pure planTransition; this applies it under the cluster's row lock, records the decision in the
 * same transaction, and then asks the worker to converge the agents. When the reconciler has done
 * its part, it settles the status here too (planSettlement). Every write is conditional on the
 * status it was planned from.
 */
@Injectable()
export class ClusterTransitions {
  private readonly logger = new Logger(ClusterTransitions.name);
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly jobs: JobProducer,
    private readonly budget: BudgetService,
  ) {}

  async apply(id: string, intent: ClusterIntent, actor: Actor): Promise<Applied> {
    // Checked first without the lock, so a refused request does not queue behind the others;
    // checked again under the lock, since the row may change meanwhile. A cluster's blueprint
    // version never changes, so its capacity is read once.
    const read = await this.repo.findWithBudgetFlag(id);
    if (!read) throw notFound('cluster', id);
    const snapshot = read.cluster;
    // a scale-up is refused (402) once the hard budget limit is reached; scaling down always works
    if (read.budgeted && intent.kind === 'scale' && intent.target > snapshot.targetWorkers) {
      await this.budget.assertWithinBudget(id, `scale-up of cluster ${id} to ${intent.target} workers`);
    }
    const capacity = await this.capacityOf(snapshot);
    const pre = planTransition(stateOf(snapshot, 0, capacity), intent, new Date());
    if (!pre.ok) throw toError(pre, id);

    // Requests on one cluster queue here, in memory, before taking a pooled connection: waiting on
    // the row lock while holding a connection, a burst on one cluster would take the whole pool
    // and requests on every other cluster would time out waiting for a connection (a 503). The
    // row lock still serialises across processes.
    const out = await this.serial.run(id, () =>
      this.repo.transaction(async (m) => {
        const locked = await this.repo.lockWithCounts(m, id);
        if (!locked) throw notFound('cluster', id);
        return { ...(await this.applyLocked(m, locked.cluster, intent, actor, capacity, locked.counts.currentWorkers)), counts: locked.counts };
      }),
    );
    if (out.converge) await this.converge(id);
    return { cluster: out.cluster, decision: out.decision, counts: out.counts };
  }

  /**
   * Applies an intent inside the caller's transaction, which must hold the cluster's row lock (the
   * lifecycle job decides and applies under one lock). The caller converges after its commit.
   */
  async applyLocked(
    m: EntityManager,
    c: Cluster,
    intent: ClusterIntent,
    actor: Actor,
    capacity?: { min: number; max: number },
    liveWorkers?: number,
  ): Promise<Applied & { converge: boolean }> {
    const live = liveWorkers ?? (await this.repo.counts([c.id], m)).get(c.id)!.currentWorkers;
    const now = new Date();
    const r = planTransition(stateOf(c, live, capacity ?? (await this.capacityOf(c, m))), intent, now);
    if (!r.ok) throw toError(r, c.id);
    if (r.patch) await this.write(m, c, r.patch);
    const decision = r.decision ? await this.repo.recordDecision(m, { ...r.decision, clusterId: c.id, source: actor.source, requestedBy: actor.requestedBy }) : null;
    const cluster = r.patch ? { ...c, ...r.patch, updatedAt: now } : c;
    return { cluster, decision, converge: r.converge };
  }

  /**
   * Writes what planTransition returned for `c`, read under the caller's row lock (applyLocked, and
   * the autoscaler's batch, which plans many locked clusters at once), only from the status it was
   * planned from.
   */
  async write(m: EntityManager, c: Cluster, patch: ClusterPatch): Promise<void> {
    if (!(await this.repo.updateIf(m, c.id, c.status, patch))) {
      // the caller holds the row lock, so the status cannot have moved: a caller without the lock
      throw new Error(`cluster ${c.id} left ${c.status} while a transition was applied without its row lock`);
    }
  }

  /**
   * The reconciler's end of a change, inside its transaction holding the row lock: the cluster
   * moves to where planSettlement says, only from the status it was read in. False (and nothing
   * written) when that status has no such edge or the row moved on.
   */
  async settle(m: EntityManager, c: Cluster, outcome: Settlement, fields: Pick<Partial<Cluster>, 'statusReason' | 'startedAt'> = {}): Promise<boolean> {
    const to = planSettlement(c.status, outcome);
    if (!to) return false;
    const patch: Partial<Cluster> = { ...fields, status: to };
    if (to === ClusterStatus.Destroyed) Object.assign(patch, { destroyedAt: new Date(), targetWorkers: 0 });
    const ok = await this.repo.updateIf(m, c.id, c.status, patch);
    if (ok && to !== c.status) this.logger.log(`cluster ${c.id}: ${c.status} -> ${to} (${outcome})`);
    return ok;
  }

  /**
   * Asks the worker to converge the agents now. The change is already committed, so if the queue
   * is down the reconcile tick finds the cluster later: the request still succeeds, nothing is lost.
   */
  async converge(clusterId: string, job: JobName.SpawnCluster | JobName.ReconcileWorkers = JobName.ReconcileWorkers): Promise<void> {
    try {
      await this.jobs.enqueue(job, { clusterId });
    } catch (e) {
      this.logger.warn(`could not enqueue ${job} for ${clusterId} (${e instanceof Error ? e.message : String(e)}); the reconcile tick will pick it up`);
    }
  }

  private async capacityOf(c: Cluster, m?: EntityManager): Promise<{ min: number; max: number }> {
    const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion, m);
    const cap = workerCapacity(workerDefinitions(definition).map((d) => ({ name: d.name, ...d.count })));
    return { min: cap.min, max: cap.max };
  }
}

function stateOf(c: Cluster, liveWorkers: number, capacity: { min: number; max: number }): ClusterState {
  const activation = c.config?.activation_workers;
  return {
    status: c.status,
    minWorkers: c.minWorkers,
    maxWorkers: c.maxWorkers,
    targetWorkers: c.targetWorkers,
    liveWorkers,
    capacity,
    blueprintId: c.blueprintId,
    ...(typeof activation === 'number' && Number.isInteger(activation) ? { activationWorkers: activation } : {}),
  };
}
