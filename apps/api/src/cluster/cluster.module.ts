import { Module } from '@nestjs/common';
import { BlueprintCoreModule } from '../blueprint/blueprint.module';
import { IdempotencyService } from '../common/idempotency.service';
import { GenesisCoreModule } from '../genesis/genesis.module';
import { ClusterController } from './cluster.controller';
import { ClusterRepository } from './cluster.repository';
import { ClusterService } from './cluster.service';

@Module({
  imports: [BlueprintCoreModule, GenesisCoreModule],
  controllers: [ClusterController],
  providers: [ClusterRepository, ClusterService, IdempotencyService],
  exports: [ClusterRepository],
})
export class ClusterModule {}
