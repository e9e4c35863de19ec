import { Module } from '@nestjs/common';
import { BlueprintController } from './blueprint.controller';
import { BlueprintRepository } from './blueprint.repository';
import { BlueprintService } from './blueprint.service';
import { BlueprintSync } from './blueprint.sync';

@Module({
  controllers: [BlueprintController],
  providers: [BlueprintRepository, BlueprintService, BlueprintSync],
  exports: [BlueprintService],
})
export class BlueprintModule {}
