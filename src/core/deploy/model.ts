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
  /** The GitHub page of the deployment record. */
  deploymentUrl?: string
  /** One line saying what happened (which hosts run which version on failure). */
  message?: string
  /** Putting a host back failed too: a person must look (the CLI exits 3). */
  rollbackFailed?: boolean
}

/** What every entry point (CLI, action, dispatch form) asks for; validated the same way. */
export interface DeployRequest {
  service: string
  environment: string
  /** A build version, `latest` (newest build record) or `local` (the service's build output folder). */
  version: string
  dryRun: boolean
  /** Overrides of the environment's rollout settings. */
  maxParallel?: number
  lockTimeoutMs?: number
  /** Who asked (GITHUB_ACTOR or the user name). */
  actor: string
  /** The CI run (URL and id/attempt) when there is one. */
  runUrl?: string
  runId?: string
}

/** A version turned into something installable. */
export interface ResolvedArtifact {
  service: string
  version: string
  /** sha256:<hex> of the installed archive (or of the tree for `local`). */
  digest: string
  /** Where the bits come from: a .tar.gz from a build record, or the service's build output folder. */
  source: { kind: 'tarball'; path: string; member: string } | { kind: 'folder'; path: string }
  /** The image digest when the build produced one (the command provider may deploy it). */
  image?: string
  /** The build record that named it (absent for `local`). */
  recordFile?: string
}

/** One host (or platform target) of a plan. */
export interface PlannedHost {
  name: string
  group: string
  /** Address used for ssh and health checks (`127.0.0.1` for local hosts). */
  address: string
  /** ssh port (ssh provider). */
  sshPort?: number
  /** Remote user (ssh provider). */
  user?: string
  /** The service's port on this host (run.port plus the host's rank among hosts sharing an address). */
  port?: number
  /** Folder holding the service's releases on this host. */
  root: string
  /** Platform target (command provider). */
  target?: string
}

export interface DeployPlan {
  service: string
  environment: string
  provider: 'local' | 'ssh' | 'command'
  artifact: ResolvedArtifact
  configHash: string
  /** The rendered config written next to each release (secret references stay references). */
  config: Record<string, unknown>
  /** Names of every secret the deploy needs: credentials, known hosts, config references. */
  secrets: string[]
  hosts: PlannedHost[]
  strategy: { kind: 'rolling'; maxParallel: number; rollbackOnFailure: boolean; keepReleases: number }
  lockTimeoutMs: number
}

/** Who holds a deploy lock; stored as JSON in the lock folder on the target. */
export interface LockHolder {
  id: string
  actor: string
  version: string
  since: string
  runUrl?: string
  pid: number
  machine: string
}

/** What one host says about a service (its state file). */
export interface HostServiceState {
  current?: string
  digest?: string
  configHash?: string
  since?: string
  by?: string
  /** Versions deployed before, newest first (the rollback history). */
  previous: string[]
}

/** One line of the audit log on each target. */
export interface AuditEntry {
  at: string
  actor: string
  action: 'deploy' | 'rollback' | 'stop' | 'unlock'
  service: string
  environment: string
  version: string
  digest: string
  configHash: string
  hosts: string[]
  result: string
  runUrl?: string
  reason?: string
}
