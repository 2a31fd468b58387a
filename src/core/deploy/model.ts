/** The deploy stage's nouns. */

export interface HostResult {
  host: string
  group: string
  versionBefore?: string
  versionAfter?: string
  health: 'passed' | 'failed' | 'skipped'
  durationMs: number
  /** switched, rolled-back, unchanged, failed, unreachable */
  outcome: string
  message?: string
}

export interface Deployment {
  service: string
  environment: string
  version: string
  digest: string
  configHash: string
  result: 'success' | 'failure' | 'no-op' | 'cancelled'
  hosts: HostResult[]
  startedAt: string
  finishedAt: string
  actor: string
  runUrl?: string
  deploymentId?: number
}
