import { Global, Module } from '@nestjs/common';
import { createProvider, LlmProvider } from '#llm';
import { RUNTIME, Runtime } from '#runtime';

export const LLM = Symbol('LLM');
export type { LlmProvider };

/** The configured LLM provider, for chat (api) and task execution (worker). */
@Global()
@Module({
  providers: [{ provide: LLM, inject: [RUNTIME], useFactory: (runtime: Runtime) => createProvider(runtime.config.llm) }],
  exports: [LLM],
})
export class LlmModule {}
