import { Module } from '@nestjs/common';
import { BlueprintController } from './blueprint.controller';
import { BlueprintRepository } from './blueprint.repository';
import { BlueprintService } from './blueprint.service';
import { BlueprintSync } from './blueprint.sync';

/** Blueprint storage and validation, shared by the api and the worker. */
@Module({
  providers: [BlueprintRepository, BlueprintService],
  exports: [BlueprintService],
})
export class BlueprintCoreModule {}

/** The api's blueprint routes, and the sync of shipped files at start-up. */
@Module({
  imports: [BlueprintCoreModule],
  controllers: [BlueprintController],
  providers: [BlueprintSync],
  exports: [BlueprintCoreModule],
})
export class BlueprintModule {}
