import { ApiKey } from './api-key.entity';
import { Blueprint, BlueprintVersion } from './blueprint.entity';
import { Cluster } from './cluster.entity';
import { ClusterAgent } from './cluster-agent.entity';
import { Budget, BudgetAlert, CostEntry } from './cost.entity';
import { DnaSnapshot, GenesisAgent } from './genesis-agent.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import { Manifest } from './manifest.entity';
import { MetricSample } from './metric-sample.entity';
import { ScalingDecision } from './scaling-decision.entity';
import { Task } from './task.entity';
import { WorkerProcess } from './worker-process.entity';

export * from './api-key.entity';
export * from './blueprint.entity';
export * from './cluster.entity';
export * from './cluster-agent.entity';
export * from './cost.entity';
export * from './genesis-agent.entity';
export * from './idempotency-key.entity';
export * from './manifest.entity';
export * from './metric-sample.entity';
export * from './scaling-decision.entity';
export * from './task.entity';
export * from './worker-process.entity';

export const ENTITIES = [
  ApiKey,
  Blueprint,
  BlueprintVersion,
  Cluster,
  ClusterAgent,
  GenesisAgent,
  DnaSnapshot,
  Task,
  MetricSample,
  ScalingDecision,
  CostEntry,
  Budget,
  BudgetAlert,
  Manifest,
  IdempotencyKey,
  WorkerProcess,
];
