import { InitialSchema1763942400000 } from './1763942400000-initial-schema';
import { LiveSpawnKeys1763985600000 } from './1763985600000-live-spawn-keys';
import { SystemSettings1764000000000 } from './1764000000000-system-settings';
import { WorkerHeartbeats1764100000000 } from './1764100000000-worker-heartbeats';
import { ManifestFreshness1764200000000 } from './1764200000000-manifest-freshness';
import { CostBudgets1764300000000 } from './1764300000000-cost-budgets';

/** The table TypeORM records applied migrations in (by name). */
export const MIGRATIONS_TABLE = 'schema_migrations';

/** Every migration in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [InitialSchema1763942400000, LiveSpawnKeys1763985600000, SystemSettings1764000000000, WorkerHeartbeats1764100000000, ManifestFreshness1764200000000, CostBudgets1764300000000];

/**
 * Changes whenever a migration is added or (before it ships) edited: test harnesses rebuild their
 * template database then.
 */
export const MIGRATIONS_FINGERPRINT = MIGRATIONS.map((m) => `${m.name}:${m.prototype.up.toString()}`).join(',');
