/**
 * The record kept outside the hosts (a GitHub deployment per service and environment). Core only
 * sees this interface; platform/github-deployments.ts implements it. Implementations never throw:
 * a failed status update is a warning, never a failed or rolled-back deploy.
 */
import type { Deployment, DeployPlan } from './model.js'

export interface DeploymentRecorder {
  /** Waiting for the lock. */
  queued(plan: DeployPlan, holder: string): Promise<void>
  /** Creates (or finds, after a lost answer) the deployment and marks it in_progress. */
  start(plan: DeployPlan): Promise<void>
  /** success, failure, or error (cancelled); marks the previous success of the same service inactive. */
  finish(deployment: Deployment): Promise<void>
  /** The deployment's id and page, once created. */
  readonly deploymentId: number | undefined
  readonly deploymentUrl: string | undefined
}
