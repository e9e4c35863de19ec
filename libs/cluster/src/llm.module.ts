import { Global, Module } from '@nestjs/common';
import { createProvider, LlmProvider } from '#llm';
import { RUNTIME, Runtime } from '#runtime';

/** The provider for chat: it retries transient failures itself (LLM_MAX_RETRIES). */
export const LLM = Symbol('LLM');
/** The provider for task execution: one try per call, because the task's job owns the retries. */
export const TASK_LLM = Symbol('TASK_LLM');
export type { LlmProvider };

@Global()
@Module({
  providers: [
    { provide: LLM, inject: [RUNTIME], useFactory: (runtime: Runtime) => createProvider(runtime.config.llm) },
    { provide: TASK_LLM, inject: [RUNTIME], useFactory: (runtime: Runtime) => createProvider(runtime.config.llm, { retries: false }) },
  ],
  exports: [LLM, TASK_LLM],
})
export class LlmModule {}
