/**
 * How a release gets onto a host and becomes the running one. `files` serves the local and ssh
 * providers (unpack, render config, switch `current`, restart the declared command); `command`
 * (command-driver.ts) hands the same steps to a platform CLI.
 */
import path from 'node:path'
import type { RunSpec } from '../manifest/types.js'
import { checkHealth, type HealthResult } from './health-check.js'
import type { HostAccess } from './host-access.js'
import type { ServiceLayout } from './host-layout.js'
import type { PlannedHost, ResolvedArtifact } from './model.js'

export interface HostContext {
  host: PlannedHost
  access: HostAccess
  layout: ServiceLayout
}

export interface ReleaseDriver {
  /** Puts the release and its config on the host; changes nothing that runs. */
  install(context: HostContext, artifact: ResolvedArtifact, configText: string): Promise<void>
  hasRelease(context: HostContext, version: string): Promise<boolean>
  /** Makes `version` the running release: stop the old one, switch, start the new one. */
  activate(context: HostContext, version: string): Promise<void>
  /** Stops the service and, with `clear`, leaves no current release (a host that had none before). */
  deactivate(context: HostContext, clear: boolean): Promise<void>
  health(context: HostContext, signal?: AbortSignal): Promise<HealthResult>
  /** Removes a release's files. */
  remove(context: HostContext, version: string): Promise<void>
}

const STOP_GRACE_MS = 5000

export class FilesDriver implements ReleaseDriver {
  constructor(
    private readonly service: string,
    private readonly environment: string,
    private readonly run: RunSpec | undefined
  ) {}

  async install(context: HostContext, artifact: ResolvedArtifact, configText: string): Promise<void> {
    const { access, layout } = context
    const dest = layout.release(artifact.version)
    await access.removeTree(dest)
    if (artifact.source.kind === 'tarball') {
      const strip = artifact.source.member.split('/').filter(Boolean).length
      await access.extractTarGz(artifact.source.path, artifact.source.member, strip, dest)
    } else {
      await access.makeDirs(dest)
      await access.copyFolder(artifact.source.path, dest)
    }
    await access.writeFileAtomic(layout.releaseConfig(artifact.version), configText)
  }

  async hasRelease(context: HostContext, version: string): Promise<boolean> {
    return (await context.access.list(context.layout.releases)).includes(version)
  }

  async activate(context: HostContext, version: string): Promise<void> {
    const { access, layout, host } = context
    await access.stopProcess(layout.pidFile, STOP_GRACE_MS)
    await access.pointLink(layout.current, path.posix.join('releases', version))
    if (!this.run) return
    const env: Record<string, string> = {
      ...this.run.env,
      SHIPLINE_SERVICE: this.service,
      SHIPLINE_ENVIRONMENT: this.environment,
      SHIPLINE_VERSION: version,
      SHIPLINE_CONFIG: layout.releaseConfig(version)
    }
    if (host.port !== undefined) env['PORT'] = String(host.port)
    await access.startDetached({
      argv: this.run.command,
      cwd: layout.release(version),
      env,
      pidFile: layout.pidFile,
      logFile: layout.logFile
    })
  }

  async deactivate(context: HostContext, clear: boolean): Promise<void> {
    await context.access.stopProcess(context.layout.pidFile, STOP_GRACE_MS)
    if (clear) await context.access.removeTree(context.layout.current)
  }

  async health(context: HostContext, signal?: AbortSignal): Promise<HealthResult> {
    const health = this.run?.health
    if (!this.run || !health || context.host.port === undefined)
      return { passed: true, attempts: 0, detail: 'no health check declared', durationMs: 0 }
    const address = context.host.address.includes(':') ? `[${context.host.address}]` : context.host.address
    return checkHealth(`http://${address}:${context.host.port}${health.path}`, health, signal)
  }

  async remove(context: HostContext, version: string): Promise<void> {
    await context.access.removeTree(context.layout.release(version))
    await context.access.removeTree(context.layout.releaseInfo(version))
    await context.access.removeTree(context.layout.releaseConfig(version))
  }
}
