import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { CreateTaskDto, ListTasksQuery, TaskDto, TaskListDto } from './task.dto';
import { TaskService } from './task.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api')
export class TaskController {
  constructor(private readonly tasks: TaskService) {}

  /** Submits a task (operator): stored as queued and run by an idle worker agent of the cluster. */
  @Post('clusters/:id/tasks')
  submitTask(@UuidParam() id: string, @Body() dto: CreateTaskDto, @Req() req: Request & { principal?: Principal }): Promise<TaskDto> {
    return this.tasks.submit(id, dto, req.principal);
  }

  @Get('clusters/:id/tasks')
  listTasks(@UuidParam() id: string, @Query() q: ListTasksQuery): Promise<TaskListDto> {
    return this.tasks.list(id, q);
  }

  @Get('tasks/:id')
  getTask(@UuidParam() id: string): Promise<TaskDto> {
    return this.tasks.get(id);
  }

  @Post('tasks/:id/cancel')
  @HttpCode(200)
  cancelTask(@UuidParam() id: string): Promise<TaskDto> {
    return this.tasks.cancel(id);
  }
}
