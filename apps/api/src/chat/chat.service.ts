import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode, notFound } from '#common';
import { ChatMessage, ChatRequest, ChatResult, LlmProvider, modelFor, ProviderHealth, StreamEvent } from '#llm';
import { LLM } from '#cluster';
import { CHAT_LIMITS } from './chat.dto';

export interface ChatInput {
  messages: ChatMessage[];
  model?: string;
  maxTokens?: number;
  temperature?: number;
  clusterId?: string;
  agentId?: string;
}

/** Chat with the configured LLM, optionally as a cluster's supervisor or one of its agents. */
@Injectable()
export class ChatService {
  constructor(
    @Inject(LLM) private readonly llm: LlmProvider,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  async complete(input: ChatInput): Promise<ChatResult> {
    return this.llm.chat(await this.request(input));
  }

  /** Builds the request first (so bad input fails before any byte is streamed), then streams. */
  async stream(input: ChatInput): Promise<AsyncIterable<StreamEvent>> {
    return this.llm.stream(await this.request(input));
  }

  health(): Promise<ProviderHealth> {
    return this.llm.health();
  }

  get provider(): LlmProvider {
    return this.llm;
  }

  private async request(input: ChatInput): Promise<ChatRequest> {
    const bytes = input.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
    if (bytes > CHAT_LIMITS.totalBytes) {
      throw new DomainError(ErrorCode.ValidationFailed, `messages: total content is ${bytes} bytes; the limit is ${CHAT_LIMITS.totalBytes} bytes`, {
        problems: [{ path: 'messages', rule: 'max_total_bytes', message: `total content must be at most ${CHAT_LIMITS.totalBytes} bytes` }],
      });
    }
    const messages = [...input.messages];
    if (input.clusterId || input.agentId) messages.unshift({ role: 'system', content: await this.systemPrompt(input.clusterId, input.agentId) });
    return { messages, model: modelFor(this.llm, input.model), maxTokens: input.maxTokens, temperature: input.temperature };
  }

  /** The system prompt Genesis gave the cluster's supervisor, or the named agent. */
  private async systemPrompt(clusterId: string | undefined, agentId: string | undefined): Promise<string> {
    if (agentId && !clusterId) {
      throw new DomainError(ErrorCode.ValidationFailed, 'agent_id needs cluster_id', { problems: [{ path: 'cluster_id', rule: 'required_with', message: 'cluster_id is required with agent_id' }] });
    }
    const cluster: { id: string }[] = await this.ds.query(`SELECT id FROM clusters WHERE id = $1`, [clusterId]);
    if (!cluster.length) throw notFound('cluster', clusterId!);
    const rows: { system_prompt: string | null; name: string; role: string }[] = agentId
      ? await this.ds.query(
          `SELECT g.system_prompt, a.name, a.role FROM cluster_agents a LEFT JOIN genesis_agents g ON g.id = a.genesis_agent_id WHERE a.id = $1 AND a.cluster_id = $2`,
          [agentId, clusterId],
        )
      : await this.ds.query(
          `SELECT g.system_prompt, a.name, a.role FROM cluster_agents a LEFT JOIN genesis_agents g ON g.id = a.genesis_agent_id
            WHERE a.cluster_id = $1 AND a.role = 'supervisor' AND a.status NOT IN ('stopped', 'spawn_failed') LIMIT 1`,
          [clusterId],
        );
    if (!rows.length) throw agentId ? notFound(`agent of cluster ${clusterId}`, agentId) : new DomainError(ErrorCode.Conflict, `cluster ${clusterId} has no supervisor (yet)`);
    return rows[0].system_prompt ?? `You are ${rows[0].name}, the ${rows[0].role} of this cluster.`;
  }
}
