import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateBy, ValidateNested } from 'class-validator';

export const CHAT_LIMITS = { messages: 100, totalBytes: 200 * 1024 };

// ValidateNested alone lets a list inside the list through (it validates the inner list's items),
// and the message then has no content to count.
const MESSAGE_OBJECTS = 'messages must be a list of objects {role, content}';

/** OpenAI content: a string, null (read as empty), or a list of parts whose `text`, when present, is a string. */
const isOpenAiContent = (v: unknown) =>
  v === undefined ||
  v === null ||
  typeof v === 'string' ||
  (Array.isArray(v) && v.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p) && ['string', 'undefined'].includes(typeof (p as { text?: unknown }).text)));

export class ChatMessageDto {
  @IsIn(['system', 'user', 'assistant'], { message: 'role must be one of system, user, assistant' })
  role!: 'system' | 'user' | 'assistant';

  @IsString() @MinLength(1, { message: 'content must not be empty' })
  content!: string;
}

export class ChatRequestDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CHAT_LIMITS.messages) @IsObject({ each: true, message: MESSAGE_OBJECTS })
  @ValidateNested({ each: true }) @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];

  /** provider model; the configured default when absent (`local` for the offline provider) */
  @IsOptional() @IsString() @MaxLength(200)
  model?: string;

  @IsOptional() @IsInt() @Min(1) @Max(32000)
  max_tokens?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(2)
  temperature?: number;

  /** answer as server-sent events: `delta` events, then a `usage` event, then `done` */
  @IsOptional() @IsBoolean()
  stream?: boolean;

  /** talk to this cluster's supervisor (its system prompt) */
  @IsOptional() @IsUUID()
  cluster_id?: string;

  /** talk to this agent of the cluster (needs cluster_id) */
  @IsOptional() @IsUUID()
  agent_id?: string;
}

export class UsageDto {
  prompt_tokens!: number;
  completion_tokens!: number;
  total_tokens!: number;
}

export class AssistantMessageDto {
  role!: 'assistant';
  content!: string;
}

export class ChatResponseDto {
  message!: AssistantMessageDto;
  model!: string;
  usage!: UsageDto;
}

/** The chat provider's state (GET /api/chat/health). */
export class ProviderHealthDto {
  /** local, ollama or openai */
  provider!: string;
  model!: string;
  reachable!: boolean;
  latency_ms!: number;
  detail!: string;
}

export class AxeHealthDto extends ProviderHealthDto {
  /** ok when the provider answers, degraded otherwise */
  status!: 'ok' | 'degraded';
}

export class AxeChatResponseDto {
  /** the answer */
  text!: string;
  /** the provider's own answer, as it came */
  raw!: Record<string, unknown>;
}

export class OpenAiAnswerDto {
  role!: 'assistant';
  content!: string;
  /** always null here */
  refusal!: string | null;
}

export class OpenAiChoiceDto {
  index!: number;
  message!: OpenAiAnswerDto;
  finish_reason!: string;
  /** always null here */
  logprobs!: Record<string, unknown> | null;
}

/** OpenAI's `chat.completion` object (without `stream`). */
export class OpenAiChatCompletionDto {
  /** chatcmpl-... */
  id!: string;
  object!: 'chat.completion';
  /** Unix seconds */
  created!: number;
  model!: string;
  choices!: OpenAiChoiceDto[];
  usage!: UsageDto;
}

export class OpenAiModelDto {
  id!: string;
  object!: 'model';
  created!: number;
  owned_by!: string;
}

export class OpenAiModelListDto {
  object!: 'list';
  data!: OpenAiModelDto[];
}

/** OpenAI's chat message: content is a string or a list of text parts. */
export class OpenAiMessageDto {
  @IsIn(['system', 'user', 'assistant', 'developer'], { message: 'role must be one of system, developer, user, assistant' })
  role!: 'system' | 'user' | 'assistant' | 'developer';

  @ValidateBy({
    name: 'openAiContent',
    validator: { validate: isOpenAiContent, defaultMessage: () => 'content must be a string or a list of parts {type, text} with string text' },
  })
  content!: string | { type: string; text?: string }[];

  @IsOptional() @IsString()
  name?: string;
}

/** `POST /v1/chat/completions`: the fields we use, plus the common ones clients send and we ignore. */
export class OpenAiChatRequestDto {
  @IsString() @MaxLength(200)
  model!: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CHAT_LIMITS.messages) @IsObject({ each: true, message: MESSAGE_OBJECTS })
  @ValidateNested({ each: true }) @Type(() => OpenAiMessageDto)
  messages!: OpenAiMessageDto[];

  @IsOptional() @IsInt() @Min(1) @Max(32000)
  max_tokens?: number;

  @IsOptional() @IsInt() @Min(1) @Max(32000)
  max_completion_tokens?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(2)
  temperature?: number;

  @IsOptional() @IsBoolean()
  stream?: boolean;

  @IsOptional() @Allow()
  stream_options?: { include_usage?: boolean };

  // accepted for compatibility, not used
  @IsOptional() @Allow() top_p?: unknown;
  @IsOptional() @Allow() n?: unknown;
  @IsOptional() @Allow() stop?: unknown;
  @IsOptional() @Allow() user?: unknown;
  @IsOptional() @Allow() seed?: unknown;
  @IsOptional() @Allow() presence_penalty?: unknown;
  @IsOptional() @Allow() frequency_penalty?: unknown;
  @IsOptional() @Allow() response_format?: unknown;
  @IsOptional() @Allow() metadata?: unknown;
  @IsOptional() @Allow() store?: unknown;
}

/** The AXE chat UI's request. */
export class AxeChatRequestDto {
  @IsOptional() @IsString() @MaxLength(200)
  model?: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CHAT_LIMITS.messages) @IsObject({ each: true, message: MESSAGE_OBJECTS })
  @ValidateNested({ each: true }) @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];

  @IsOptional() @IsNumber() @Min(0) @Max(2)
  temperature?: number;
}
