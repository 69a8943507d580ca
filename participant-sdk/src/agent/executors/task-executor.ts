import type { Task__Output } from '@syndicate/protocol';
import type { AgentContext } from '../agent-context';

/**
 * Runs one kind of task to completion (after NVIDIA FLARE's `Executor.execute`).
 * Resolves when the coordinator accepted the work; a refusal rejects with a CoordinatorCallError.
 */
export interface TaskExecutor {
  execute(task: Task__Output, ctx: AgentContext): Promise<void>;
}
