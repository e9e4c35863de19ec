import { Module } from '@nestjs/common';
import { BlueprintController } from './blueprint.controller';
import { BlueprintService } from './blueprint.service';
import { BlueprintSync } from './blueprint.sync';

/** The api's blueprint routes, and the sync of shipped files at start-up (the store is in #cluster). */
@Module({
  controllers: [BlueprintController],
  providers: [BlueprintService, BlueprintSync],
})
export class BlueprintModule {}
