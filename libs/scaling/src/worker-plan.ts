/**
 * Planning a worker pool change: which worker definitions get new workers and which agents stop.
 * Pure; the worker process applies the plan under the cluster's row lock.
 */

export interface WorkerDefinitionRange {
  name: string;
  min: number;
  max: number;
}

export interface LiveWorker {
  id: string;
  definition: string;
  busy: boolean;
}

export interface WorkerPlan {
  /** definition name -> number of workers to spawn */
  spawn: Record<string, number>;
  /** idle workers to stop now */
  stop: string[];
  /** busy workers to drain: they finish their task, then stop */
  drain: string[];
  /** target that could not be met (no definition left with room), with why */
  shortfall: { missing: number; reason: string } | null;
}

/** The worker counts a blueprint's worker definitions allow: sum of minimums .. sum of maximums. */
export function workerCapacity(defs: readonly WorkerDefinitionRange[]): { min: number; max: number } {
  return { min: defs.reduce((s, d) => s + d.min, 0), max: defs.reduce((s, d) => s + d.max, 0) };
}

/**
 * Converges `live` to `target`. Growth goes to the definition with the fewest workers (then the
 * first in blueprint order) that has room, so workers spread over the definitions within their
 * ranges; definitions in `blocked` (Genesis refused them) get none. Shrinking takes idle workers
 * first, from the definition with the most workers above its minimum, and drains busy ones last.
 */
export function planWorkers(
  defs: readonly WorkerDefinitionRange[],
  live: readonly LiveWorker[],
  target: number,
  blocked: ReadonlySet<string> = new Set(),
): WorkerPlan {
  const counts = new Map(defs.map((d) => [d.name, 0]));
  for (const w of live) counts.set(w.definition, (counts.get(w.definition) ?? 0) + 1);
  const plan: WorkerPlan = { spawn: {}, stop: [], drain: [], shortfall: null };

  let current = live.length;
  while (current < target) {
    const candidates = defs.filter((d) => !blocked.has(d.name) && counts.get(d.name)! < d.max);
    if (!candidates.length) {
      const reason = blocked.size
        ? `no worker definition has room: ${[...blocked].join(', ')} refused by Genesis, the others are at their maximum`
        : 'every worker definition is at its maximum count';
      plan.shortfall = { missing: target - current, reason };
      break;
    }
    // Definitions still below their minimum come first, then the least populated.
    const pick = candidates.reduce((best, d) => {
      const below = (x: WorkerDefinitionRange) => counts.get(x.name)! < x.min;
      if (below(d) !== below(best)) return below(d) ? d : best;
      return counts.get(d.name)! < counts.get(best.name)! ? d : best;
    });
    counts.set(pick.name, counts.get(pick.name)! + 1);
    plan.spawn[pick.name] = (plan.spawn[pick.name] ?? 0) + 1;
    current++;
  }

  if (current > target) {
    const byDef = new Map<string, LiveWorker[]>();
    for (const w of live) byDef.set(w.definition, [...(byDef.get(w.definition) ?? []), w]);
    const minOf = new Map(defs.map((d) => [d.name, d.min]));
    const removed = new Set<string>();
    const pickVictim = (idleOnly: boolean): LiveWorker | undefined => {
      let best: LiveWorker | undefined;
      let bestSurplus = -Infinity;
      for (const [def, workers] of byDef) {
        const left = workers.filter((w) => !removed.has(w.id));
        const surplus = left.length - (minOf.get(def) ?? 0);
        const candidate = left.filter((w) => !idleOnly || !w.busy).at(-1);
        if (candidate && surplus > bestSurplus) {
          best = candidate;
          bestSurplus = surplus;
        }
      }
      return best;
    };
    while (current > target) {
      const victim = pickVictim(true) ?? pickVictim(false);
      if (!victim) break;
      removed.add(victim.id);
      (victim.busy ? plan.drain : plan.stop).push(victim.id);
      current--;
    }
  }
  return plan;
}
