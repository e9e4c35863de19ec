import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source';

/** TypeORM for Nest apps, on the same options as the CLI data source. */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, applicationName: string, poolSize = 10): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions({ url, applicationName, poolSize }), retryAttempts: 2, retryDelay: 500 })],
      exports: [TypeOrmModule],
    };
  }
}
