import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { ChatMessage, StreamEvent } from '#llm';
import { ChatAccess } from '../auth/auth.decorators';
import { GlobalExceptionFilter } from '../common/error.filter';
import {
  AxeChatRequestDto,
  AxeChatResponseDto,
  AxeHealthDto,
  ChatRequestDto,
  ChatResponseDto,
  OpenAiChatCompletionDto,
  OpenAiChatRequestDto,
  OpenAiMessageDto,
  OpenAiModelListDto,
  ProviderHealthDto,
} from './chat.dto';
import { ChatService } from './chat.service';
import { sendSse, sseEvent } from './sse';

const errorBody = (e: unknown) => new GlobalExceptionFilter().toBody(e, randomUUID());

@ApiTags('chat')
@ChatAccess()
@Controller('api/chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  /**
   * Chat with the configured LLM (optionally as a cluster's supervisor or agent). With
   * `stream: true` the answer comes as server-sent events: `delta` {content}, then `usage`
   * {model, usage}, then `done`.
   */
  @Post()
  @HttpCode(200)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ChatResponseDto, description: 'the answer; with `stream: true` a text/event-stream of `delta`, `usage` and `done` events instead' })
  async chatCompletion(@Body() dto: ChatRequestDto, @Res({ passthrough: true }) res: Response): Promise<ChatResponseDto | void> {
    const input = { messages: dto.messages, model: dto.model, maxTokens: dto.max_tokens, temperature: dto.temperature, clusterId: dto.cluster_id, agentId: dto.agent_id };
    if (!dto.stream) {
      const r = await this.chat.complete(input);
      return { message: { role: 'assistant', content: r.content }, model: r.model, usage: r.usage };
    }
    await sendSse<StreamEvent>(
      res,
      await this.chat.stream(input),
      (r, e) => {
        if (e.type === 'delta') sseEvent(r, 'delta', { content: e.content });
        else {
          sseEvent(r, 'usage', { model: e.model, usage: e.usage });
          sseEvent(r, 'done', {});
        }
      },
      (r, err) => sseEvent(r, 'error', errorBody(err)),
    );
  }

  /** Which provider and model answer chat, and whether the provider answers now. */
  @Get('health')
  @SkipThrottle()
  chatHealth(): Promise<ProviderHealthDto> {
    return this.chat.health();
  }
}

/** OpenAI's wire format, so OpenAI clients and tools work unchanged against this API. */
@ApiTags('openai-compatible')
@ChatAccess()
@Controller('v1')
export class OpenAiCompatController {
  constructor(private readonly chat: ChatService) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: OpenAiChatCompletionDto, description: 'a chat.completion; with `stream: true` a text/event-stream of chat.completion.chunk objects ending with [DONE]' })
  async createChatCompletion(@Body() dto: OpenAiChatRequestDto, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    const messages: ChatMessage[] = dto.messages.map((m: OpenAiMessageDto) => ({
      role: m.role === 'developer' ? 'system' : m.role,
      content: typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join('') : '',
    }));
    const input = { messages, model: dto.model, maxTokens: dto.max_completion_tokens ?? dto.max_tokens, temperature: dto.temperature };
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    if (!dto.stream) {
      const r = await this.chat.complete(input);
      return {
        id,
        object: 'chat.completion',
        created,
        model: r.model,
        choices: [{ index: 0, message: { role: 'assistant', content: r.content, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: r.usage,
      };
    }
    let first = true;
    const chunk = (model: string, delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    const model = dto.model;
    await sendSse<StreamEvent>(
      res,
      await this.chat.stream(input),
      (r, e) => {
        if (e.type === 'delta') {
          sseEvent(r, null, chunk(model, first ? { role: 'assistant', content: e.content } : { content: e.content }, null));
          first = false;
        } else {
          sseEvent(r, null, chunk(e.model, {}, 'stop'));
          if (dto.stream_options?.include_usage) sseEvent(r, null, { id, object: 'chat.completion.chunk', created, model: e.model, choices: [], usage: e.usage });
          sseEvent(r, null, '[DONE]');
        }
      },
      (r, err) => sseEvent(r, null, { error: { message: errorBody(err).message, type: 'server_error' } }),
    );
  }

  @Get('models')
  async listModels(): Promise<OpenAiModelListDto> {
    const p = this.chat.provider;
    return { object: 'list', data: [{ id: p.defaultModel, object: 'model', created: 0, owned_by: p.name }] };
  }
}

/** The existing AXE chat UI's routes. */
@ApiTags('axe')
@ChatAccess()
@Controller('api/axe')
export class AxeController {
  constructor(private readonly chat: ChatService) {}

  /** `{model, messages, temperature}` → `{text, raw}` */
  @Post('chat')
  @HttpCode(200)
  async axeChat(@Body() dto: AxeChatRequestDto): Promise<AxeChatResponseDto> {
    const r = await this.chat.complete({ messages: dto.messages, model: dto.model, temperature: dto.temperature });
    return { text: r.content, raw: r.raw as Record<string, unknown> };
  }

  @Get('health')
  @SkipThrottle()
  async axeHealth(): Promise<AxeHealthDto> {
    const h = await this.chat.health();
    return { status: h.reachable ? 'ok' : 'degraded', ...h };
  }
}
