import { Module } from '@nestjs/common';
import { GenesisController } from './genesis.controller';
import { GenesisRepository } from './genesis.repository';
import { GenesisService } from './genesis.service';

@Module({
  controllers: [GenesisController],
  providers: [GenesisRepository, GenesisService],
  exports: [GenesisService],
})
export class GenesisModule {}
