import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency.service';
import { ClusterController } from './cluster.controller';
import { ClusterService } from './cluster.service';

@Module({
  controllers: [ClusterController],
  providers: [ClusterService, IdempotencyService],
})
export class ClusterModule {}
