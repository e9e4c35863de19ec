export * from './llm.types';
export * from './tokenizer';
export * from './local.provider';
export * from './ollama.provider';
export * from './openai.provider';
export * from './provider.factory';
