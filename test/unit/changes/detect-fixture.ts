import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import {
  detectChanges,
  type DetectOptions,
  type Detection
} from '../../../src/core/changes/detect-changes.js'
import type { EventContext } from '../../../src/core/changes/base-selection.js'
import { NodeExec, type Exec } from '../../../src/platform/exec.js'
import { Git } from '../../../src/platform/git.js'
import { RecordingLogger } from '../../../src/platform/logger.js'

export interface DetectCall {
  event?: Partial<EventContext>
  base?: string
  head?: string
  since?: 'last-deployment'
  environment?: string
  unowned?: DetectOptions['unowned']
  maxFetchDepth?: number
  deployments?: DetectOptions['deployments']
  pullRequestFiles?: DetectOptions['pullRequestFiles']
  /** Folder holding shipline.yml (default: the repository itself). */
  root?: string
  exec?: Exec
}

/** Runs change detection on a real repository folder, as the action and the CLI do. */
export async function detectIn(
  dir: string,
  call: DetectCall = {}
): Promise<Detection & { logger: RecordingLogger }> {
  const root = call.root ?? dir
  const logger = new RecordingLogger()
  const git = new Git(call.exec ?? new NodeExec(), root)
  const result = await detectChanges({
    manifest: loadManifest(root),
    git,
    logger,
    request: {
      event: { name: '', payload: {}, ...call.event },
      ...(call.base !== undefined ? { base: call.base } : {}),
      ...(call.head !== undefined ? { head: call.head } : {}),
      ...(call.since ? { since: call.since } : {}),
      ...(call.environment ? { environment: call.environment } : {}),
      tagPattern: 'v*'
    },
    maxFetchDepth: call.maxFetchDepth ?? 1000,
    unowned: call.unowned ?? 'warn',
    ...(call.deployments ? { deployments: call.deployments } : {}),
    ...(call.pullRequestFiles ? { pullRequestFiles: call.pullRequestFiles } : {})
  })
  return { ...result, logger }
}

/** Reason kinds per selected service, the shape most tests assert on. */
export function kinds(detection: Detection): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(detection.changes.reasons).map(([s, rs]) => [s, rs.map((r) => r.kind)])
  )
}
