import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_VERSION } from '#config';

/** One tag per api module, in the order Swagger UI shows them. */
export const API_TAGS: { name: string; description: string }[] = [
  { name: 'health', description: 'Liveness of the api, its database and queue store; Prometheus metrics' },
  { name: 'auth', description: 'API keys (admin): create, list, revoke' },
  { name: 'blueprints', description: 'YAML blueprints that clusters are made from: store, validate, version' },
  { name: 'genesis', description: 'Agent templates, traits, and making single agents' },
  { name: 'clusters', description: 'Clusters: create, scale, hibernate, reactivate, destroy; agents, hierarchy, metrics, scaling decisions, manifests' },
  { name: 'scaling', description: 'Replay the autoscaling policy over a metrics trace' },
  { name: 'costs', description: 'Spend, budgets and alerts' },
  { name: 'tasks', description: 'Tasks run by a cluster’s agents' },
  { name: 'chat', description: 'Chat with the LLM or a cluster, answered at once or streamed (SSE)' },
  { name: 'openai-compatible', description: 'OpenAI’s wire format, for OpenAI clients' },
  { name: 'axe', description: 'The AXE chat UI’s routes' },
];

export const BEARER_DESCRIPTION =
  'An API key (not a JWT): `brn_` followed by random characters. Create one with ' +
  '`npm run keys -- create --name me --role operator` (roles: viewer, operator, admin); the first start ' +
  'prints an admin key once. Send it as `Authorization: Bearer <key>`. Reads need no key while ' +
  'AUTH_ANONYMOUS_READS=true; writes need operator, key management and destroy need admin.';

const SUPPORT_DESK_YAML = `metadata:
  id: support-desk-v1
  name: Support Desk
  version: "1.0.0"
cluster:
  type: team
  min_workers: 1
  max_workers: 5
  default_workers: 1
agents:
  - role: supervisor
    name: Support Lead
    count: 1
    capabilities: [coordination]
  - role: worker
    name: Support Agent
    count: "1-5"
    reports_to: supervisor
    capabilities: [customer_support]
`;

const chatMessages = [{ role: 'user', content: 'Summarise what the marketing department does in two sentences.' }];

/**
 * A realistic request body per operation (by operationId), shown by Swagger UI and sent by its
 * "Try it out". Kept here in one table so a test can check that every body has one.
 */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  createKey: { name: 'ci pipeline', role: 'operator' },
  createBlueprint: { id: 'support-desk-v1', name: 'Support Desk', version: '1.0.0', description: 'First-line customer support', tags: ['support'], blueprint_yaml: SUPPORT_DESK_YAML },
  validateBlueprint: { blueprint_yaml: SUPPORT_DESK_YAML },
  updateBlueprint: { description: 'First-line and second-line customer support', tags: ['support', 'helpdesk'] },
  validateSpawn: { template_id: 'content_writer', name: 'Copywriter', trait_overrides: { 'ethical.safety_priority': 0.95 } },
  spawnAgent: { template_id: 'content_writer', name: 'Copywriter', seed: 42 },
  createCluster: { blueprint_id: 'marketing-v1', name: 'Marketing EU', target_workers: 5, description: 'Campaigns for the EU market', tags: ['eu'] },
  updateCluster: { min_workers: 3, max_workers: 30, autoscaling_enabled: true },
  evaluateClusterScaling: { current_workers: 5, metrics: { queue_length: 40 } },
  scaleCluster: { target_workers: 10, reason: 'launch week' },
  addClusterAgent: { name: 'Extra Copywriter', role: 'specialist', capabilities: ['copywriting'], skills: ['seo'] },
  simulateScaling: {
    scaling: { metric: 'task_queue_length', scale_up_threshold: 10, scale_down_threshold: 2, cooldown_period: 300 },
    initial_workers: 3,
    min_workers: 3,
    max_workers: 20,
    interval_seconds: 60,
    trace: [
      { t: 0, queue_length: 4 },
      { t: 600, queue_length: 35 },
      { t: 1200, queue_length: 1 },
    ],
  },
  putBudget: { currency: 'USD', period: 'month', soft_limit: 80, hard_limit: 100 },
  submitTask: { input: 'Write three LinkedIn post ideas about our spring launch.', capability: 'copywriting', priority: 10 },
  chatCompletion: { messages: chatMessages, model: 'local', stream: false },
  createChatCompletion: { model: 'local', messages: chatMessages, stream: false },
  axeChat: { model: 'local', messages: chatMessages, temperature: 0.2 },
};

/** The api's OpenAPI document: tags, the bearer API key scheme and a request example per body. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('BRAiN cluster backend')
    .setDescription(
      'Clusters of AI agents from YAML blueprints: Genesis spawns the agents, tasks run through an LLM, metrics are sampled and an explainable autoscaler sizes each worker pool (every decision recorded; dry run and trace replay), lifecycle rules hibernate idle clusters, wake them on new tasks and destroy long-hibernated ones, operators scale, hibernate, reactivate and destroy clusters, and chat with an LLM. Task tokens and agent time are costed against per-cluster budgets (a soft limit alerts, a hard limit holds back and refuses work) with alerts listed and sent to a webhook.\n\n' +
        'Authorize with an API key (button "Authorize"): ' +
        BEARER_DESCRIPTION +
        '\n\nAlso served: the web console at `/console` and the queue dashboard at `/admin/queues` (admin).',
    )
    .setVersion(APP_VERSION)
    // 'bearer' is the security name the controllers' @ApiBearerAuth() refers to
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: BEARER_DESCRIPTION }, 'bearer');
  for (const t of API_TAGS) builder.addTag(t.name, t.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: (_controller, method) => method });
  addRequestExamples(document);
  return document;
}

function addRequestExamples(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.put, item.post, item.delete, item.patch]) {
      const content = op?.requestBody && 'content' in op.requestBody ? op.requestBody.content['application/json'] : undefined;
      if (!op || !content) continue;
      const example = REQUEST_EXAMPLES[op.operationId ?? ''];
      if (example !== undefined) content.example = example;
    }
  }
}

/**
 * Swagger UI at /api/docs (the document at /api/docs-json). The key is not persisted: a reload forgets it.
 * The document is built on the first request for it (then kept), not before the api listens: scanning
 * every controller and DTO is a sizeable part of the api's start-up, and most starts never serve it.
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    customSiteTitle: 'BRAiN API',
    swaggerOptions: { displayRequestDuration: true },
  });
}
