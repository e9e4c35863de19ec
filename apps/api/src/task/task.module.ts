import { Module } from '@nestjs/common';
import { BlueprintCoreModule } from '../blueprint/blueprint.module';
import { ClusterModule } from '../cluster/cluster.module';
import { TaskController } from './task.controller';
import { TaskRepository } from './task.repository';
import { TaskService } from './task.service';

@Module({
  imports: [BlueprintCoreModule, ClusterModule],
  controllers: [TaskController],
  providers: [TaskRepository, TaskService],
})
export class TaskModule {}
