import { Global, Module } from '@nestjs/common';
import { Autoscaler } from './autoscaler';
import { BlueprintRepository } from './blueprint.repository';
import { BlueprintStore } from './blueprint.store';
import { BudgetService } from './budget.service';
import { ClusterLifecycle } from './cluster.lifecycle';
import { ClusterRepository } from './cluster.repository';
import { ClusterTransitions } from './cluster.transitions';
import { GenesisRepository } from './genesis.repository';
import { GenesisSpawner } from './genesis.spawner';
import { LlmModule } from './llm.module';
import { ManifestRepository } from './manifest.repository';
import { MetricsRepository } from './metrics.repository';
import { TaskRepository } from './task.repository';
import { WorkerProcessRepository } from './worker-process.repository';

const PROVIDERS = [Autoscaler, BlueprintRepository, BlueprintStore, BudgetService, ClusterLifecycle, ClusterRepository, ClusterTransitions, GenesisRepository, GenesisSpawner, ManifestRepository, MetricsRepository, TaskRepository, WorkerProcessRepository];

/**
 * The cluster core both apps stand on: repositories, the blueprint store, the Genesis spawner, the
 * one transition path and the LLM provider. Needs the runtime, database and queue modules.
 */
@Global()
@Module({
  imports: [LlmModule],
  providers: PROVIDERS,
  exports: [...PROVIDERS, LlmModule],
})
export class ClusterCoreModule {}
