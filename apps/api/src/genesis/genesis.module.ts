import { Module } from '@nestjs/common';
import { GenesisController } from './genesis.controller';
import { GenesisRepository } from './genesis.repository';
import { GenesisService } from './genesis.service';

/** The agent factory, shared by the api and the worker (cluster spawning). */
@Module({
  providers: [GenesisRepository, GenesisService],
  exports: [GenesisService],
})
export class GenesisCoreModule {}

@Module({
  imports: [GenesisCoreModule],
  controllers: [GenesisController],
  exports: [GenesisCoreModule],
})
export class GenesisModule {}
