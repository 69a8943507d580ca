import { Module } from '@nestjs/common';
import { TaskHub } from './task-hub';

/** The one TaskHub: participants push to it, metrics read its gauges, neither owning the other. */
@Module({ providers: [TaskHub], exports: [TaskHub] })
export class TasksModule {}
