import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency.service';
import { ClusterController } from './cluster.controller';
import { ClusterService } from './cluster.service';
import { ScalingController } from './scaling.controller';

@Module({
  controllers: [ClusterController, ScalingController],
  providers: [ClusterService, IdempotencyService],
})
export class ClusterModule {}
