import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { UserRole } from '#db';
import { AsRead, Principal, RequireRole } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import {
  AddAgentDto,
  ClusterAgentDto,
  ClusterAgentListDto,
  ClusterMetricsDto,
  EvaluateScalingDto,
  EvaluationDto,
  MetricsQuery,
  ClusterDto,
  ClusterListDto,
  CreateClusterDto,
  DecisionsQuery,
  HierarchyDto,
  ListAgentsQuery,
  ListClustersQuery,
  ManifestListDto,
  ScaleClusterDto,
  ScalingDecisionListDto,
  UpdateClusterDto,
} from './cluster.dto';
import { ClusterService } from './cluster.service';

type AuthedRequest = Request & { principal?: Principal };

@ApiTags('clusters')
@ApiBearerAuth()
@Controller('api/clusters')
export class ClusterController {
  constructor(private readonly clusters: ClusterService) {}

  /** Creates a cluster from a blueprint; the worker spawns its agents. Honours Idempotency-Key. */
  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retried create with the same key returns the first answer' })
  async createCluster(
    @Body() dto: CreateClusterDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClusterDto> {
    // read here rather than with @Headers(): that would document a second, required header
    const { cluster, replayed } = await this.clusters.create(dto, req.principal, req.header('idempotency-key'));
    res.location(`/api/clusters/${cluster.id}`);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return cluster;
  }

  /** Clusters, filtered by status, type and blueprint, paged; `total` is the real count. */
  @Get()
  listClusters(@Query() q: ListClustersQuery): Promise<ClusterListDto> {
    return this.clusters.list(q);
  }

  @Get(':id')
  getCluster(@UuidParam() id: string): Promise<ClusterDto> {
    return this.clusters.get(id);
  }

  /** Name, description, tags, min/max workers (min <= target <= max) and config. */
  @Put(':id')
  updateCluster(@UuidParam() id: string, @Body() dto: UpdateClusterDto, @Req() req: AuthedRequest): Promise<ClusterDto> {
    return this.clusters.update(id, dto, req.principal);
  }

  /**
   * Dry run: what the autoscaling policy would do now, and why. Live values unless given in the
   * body (`current_workers`, `last_scaled_at`, `metrics`); stores nothing and changes nothing.
   */
  @Post(':id/scaling/evaluate')
  @AsRead()
  @HttpCode(200)
  evaluateClusterScaling(@UuidParam() id: string, @Body() dto: EvaluateScalingDto): Promise<EvaluationDto> {
    return this.clusters.evaluate(id, dto);
  }

  /** Destroys the cluster (admin): status destroying, then destroyed once every agent is stopped. */
  @Delete(':id')
  @RequireRole(UserRole.Admin)
  @HttpCode(202)
  destroyCluster(@UuidParam() id: string, @Req() req: AuthedRequest): Promise<ClusterDto> {
    return this.clusters.destroy(id, req.principal);
  }

  /** Sets the worker target: workers are really spawned or drained by the worker process. */
  @Post(':id/scale')
  @HttpCode(202)
  scaleCluster(@UuidParam() id: string, @Body() dto: ScaleClusterDto, @Req() req: AuthedRequest): Promise<ClusterDto> {
    return this.clusters.scale(id, dto, req.principal);
  }

  /** Stops the worker pool and specialists, keeps the supervisor. */
  @Post(':id/hibernate')
  @HttpCode(202)
  hibernateCluster(@UuidParam() id: string, @Req() req: AuthedRequest): Promise<ClusterDto> {
    return this.clusters.hibernate(id, req.principal);
  }

  /** Wakes a hibernated cluster at its minimum (or activation) size. */
  @Post(':id/reactivate')
  @HttpCode(202)
  reactivateCluster(@UuidParam() id: string, @Req() req: AuthedRequest): Promise<ClusterDto> {
    return this.clusters.reactivate(id, req.principal);
  }

  @Get(':id/agents')
  listClusterAgents(@UuidParam() id: string, @Query() q: ListAgentsQuery): Promise<ClusterAgentListDto> {
    return this.clusters.agents(id, q);
  }

  /** Adds an agent by hand (made by Genesis); a worker raises target_workers by one. */
  @Post(':id/agents')
  addClusterAgent(@UuidParam() id: string, @Body() dto: AddAgentDto): Promise<ClusterAgentDto> {
    return this.clusters.addAgent(id, dto);
  }

  /** The agents nested by `reports_to`, from the supervisor down. */
  @Get(':id/hierarchy')
  getHierarchy(@UuidParam() id: string): Promise<HierarchyDto> {
    return this.clusters.hierarchy(id);
  }

  /** Metric samples (taken every METRICS_INTERVAL_SECONDS), newest first, by time range. */
  @Get(':id/metrics')
  getClusterMetrics(@UuidParam() id: string, @Query() q: MetricsQuery): Promise<ClusterMetricsDto> {
    return this.clusters.metrics(id, q);
  }

  /** The audit log of scaling actions and evaluations, newest first; `source` filters. */
  @Get(':id/scaling-decisions')
  listScalingDecisions(@UuidParam() id: string, @Query() q: DecisionsQuery): Promise<ScalingDecisionListDto> {
    return this.clusters.decisions(id, q);
  }

  /** The generated manifests (README.md, SKILLS.md) without content; 404 until the first is generated. */
  @Get(':id/manifests')
  listClusterManifests(@UuidParam() id: string): Promise<ManifestListDto> {
    return this.clusters.manifests(id);
  }

  /** One generated manifest as Markdown: `README.md` or `SKILLS.md`. */
  @Get(':id/manifests/:name')
  @ApiProduces('text/markdown')
  async getClusterManifest(@UuidParam() id: string, @Param('name') name: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const content = await this.clusters.manifest(id, name);
    // set here, after the lookup: an error keeps its JSON content type
    res.type('text/markdown; charset=utf-8');
    return content;
  }
}
