import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentRole, ClusterAgent, ScalingDecision } from '#db';
import { MANIFEST_NAMES, ManifestAgent, ManifestInput, RECENT_DECISIONS } from '#manifests';
import { LIVE_WORKER } from '#scaling';
import { BlueprintStore } from './blueprint.store';
import { ClusterRepository } from './cluster.repository';
import { MetricsRepository } from './metrics.repository';

/** LLM_PRICES (and so the tasks' `cost`) are in US dollars. */
const TASK_COST_CURRENCY = 'USD';

/** Everything a cluster's manifests are rendered from, and which state of the cluster that was. */
export interface ManifestSource {
  /** the cluster row's `updated_at` as PostgreSQL prints it (microseconds kept), read before the rest */
  clusterVersion: string;
  input: Omit<ManifestInput, 'generatedAt'>;
}

export interface StoredManifest {
  name: string;
  checksum: string;
  generatedAt: Date;
  /** bytes of UTF-8 content */
  size: number;
  version: number;
}

/** One manifest after a generation: new content, or `changed: null` when the stored one is still right. */
export interface ManifestWrite {
  name: string;
  changed: { content: string; checksum: string; generatedAt: Date } | null;
}

/** The `manifests` table, and the reads a manifest is rendered from. */
@Injectable()
export class ManifestRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clusters: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly metrics: MetricsRepository,
  ) {}

  /** The renderers' input for a cluster, or null when there is no such cluster. */
  async load(clusterId: string): Promise<ManifestSource | null> {
    // The version first: everything read after it is at least as new, so a change that lands
    // meanwhile leaves the stored manifest marked behind (the tick regenerates it), never ahead.
    const [row] = (await this.ds.query(`SELECT updated_at::text AS version FROM clusters WHERE id = $1`, [clusterId])) as { version: string }[];
    const c = row && (await this.clusters.find(clusterId));
    if (!c) return null;
    const agents = await this.clusters.presentAgents(clusterId);
    const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion);
    const decisions = await this.ds.getRepository(ScalingDecision).find({ where: { clusterId, applied: true }, order: { id: 'DESC' }, take: RECENT_DECISIONS });
    const [t] = (await this.ds.query(
      `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
              count(*) FILTER (WHERE status = 'running')::int AS running,
              count(*) FILTER (WHERE status = 'succeeded' AND finished_at > now() - interval '24 hours')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed' AND finished_at > now() - interval '24 hours')::int AS failed,
              coalesce(sum(cost), 0)::text AS cost_total,
              count(cost)::int AS priced
         FROM tasks WHERE cluster_id = $1`,
      [clusterId],
    )) as { queued: number; running: number; succeeded: number; failed: number; cost_total: string; priced: number }[];
    const sample = await this.metrics.latest(clusterId);

    return {
      clusterVersion: row.version,
      input: {
        cluster: {
          id: c.id,
          name: c.name,
          description: c.description,
          type: c.type,
          status: c.status,
          statusReason: c.statusReason,
          blueprintId: c.blueprintId,
          blueprintVersion: c.blueprintVersion,
          minWorkers: c.minWorkers,
          maxWorkers: c.maxWorkers,
          targetWorkers: c.targetWorkers,
          currentWorkers: agents.filter((a) => a.role === AgentRole.Worker && LIVE_WORKER.includes(a.status)).length,
          autoscalingEnabled: c.autoscalingEnabled,
          scaling: c.scaling,
          createdAt: c.createdAt,
          startedAt: c.startedAt,
          lastScaledAt: c.lastScaledAt,
        },
        agents: agents.map(toManifestAgent),
        definitions: definition.agents.map((d) => ({ name: d.name, role: d.role, count: d.count, capabilities: d.capabilities, skills: d.skills })),
        decisions: decisions.map((d) => ({ id: d.id, at: d.createdAt, source: d.source, reasonCode: d.reasonCode, fromWorkers: d.fromWorkers, toWorkers: d.toWorkers, reason: d.reason })),
        tasks: { queued: t.queued, running: t.running, succeeded: t.succeeded, failed: t.failed },
        metrics: sample
          ? {
              sampledAt: sample.sampledAt,
              queueLength: sample.queueLength,
              oldestWaitSeconds: sample.queueWaitMs === null ? null : sample.queueWaitMs / 1000,
              tasksPerMinute: sample.tasksPerMinute,
              loadPercentage: sample.loadPercentage,
              errorRate: sample.errorRate,
            }
          : null,
        cost: { currency: TASK_COST_CURRENCY, taskCostTotal: t.cost_total, pricedTasks: t.priced },
      },
    };
  }

  /** A cluster's stored manifests (without content), by name. */
  async list(clusterId: string): Promise<StoredManifest[]> {
    const rows = (await this.ds.query(
      `SELECT name, checksum, generated_at, octet_length(content)::int AS size, version FROM manifests WHERE cluster_id = $1 ORDER BY name`,
      [clusterId],
    )) as { name: string; checksum: string; generated_at: Date; size: number; version: number }[];
    return rows.map((r) => ({ name: r.name, checksum: r.checksum, generatedAt: r.generated_at, size: r.size, version: r.version }));
  }

  /** One stored manifest with its content, or null when it has not been generated. */
  async content(clusterId: string, name: string): Promise<(StoredManifest & { content: string }) | null> {
    const [r] = (await this.ds.query(
      `SELECT name, checksum, generated_at, octet_length(content)::int AS size, version, content FROM manifests WHERE cluster_id = $1 AND name = $2`,
      [clusterId, name],
    )) as { name: string; checksum: string; generated_at: Date; size: number; version: number; content: string }[];
    return r ? { name: r.name, checksum: r.checksum, generatedAt: r.generated_at, size: r.size, version: r.version, content: r.content } : null;
  }

  /**
   * Stores a generation: changed manifests are upserted (version + 1), unchanged ones only record
   * that they reflect `clusterVersion`. That mark never moves back, so a slow, older generation
   * cannot make a newer one look behind.
   */
  async save(clusterId: string, clusterVersion: string, writes: ManifestWrite[]): Promise<void> {
    await this.ds.transaction(async (m) => {
      for (const w of writes) {
        if (w.changed) {
          await m.query(
            `INSERT INTO manifests (cluster_id, name, content, checksum, version, generated_at, cluster_updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6::timestamptz)
             ON CONFLICT (cluster_id, name) DO UPDATE
                SET content = EXCLUDED.content, checksum = EXCLUDED.checksum, version = manifests.version + 1,
                    generated_at = EXCLUDED.generated_at, cluster_updated_at = greatest(manifests.cluster_updated_at, EXCLUDED.cluster_updated_at)
              WHERE manifests.checksum <> EXCLUDED.checksum`,
            [clusterId, w.name, w.changed.content, w.changed.checksum, w.changed.generatedAt, clusterVersion],
          );
        } else {
          await m.query(`UPDATE manifests SET cluster_updated_at = greatest(cluster_updated_at, $3::timestamptz) WHERE cluster_id = $1 AND name = $2`, [
            clusterId,
            w.name,
            clusterVersion,
          ]);
        }
      }
    });
  }

  /**
   * Clusters with a manifest missing or older than the cluster row (for the reconcile tick): one
   * query, least recently changed first, at most `limit` per call (the next tick takes the rest).
   */
  async behind(limit = 500): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT c.id FROM clusters c
        WHERE (SELECT count(*) FROM manifests m
                WHERE m.cluster_id = c.id AND m.name = ANY($1) AND m.cluster_updated_at >= c.updated_at) < cardinality($1::text[])
        ORDER BY c.updated_at, c.id
        LIMIT $2`,
      [MANIFEST_NAMES, limit],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}

function toManifestAgent(a: ClusterAgent): ManifestAgent {
  return { id: a.id, name: a.name, role: a.role, status: a.status, capabilities: a.capabilities, skills: a.skills, reportsToId: a.reportsToId };
}
