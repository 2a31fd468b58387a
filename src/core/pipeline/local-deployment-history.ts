import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { BUILD_RECORD_FILE, type BuildRecord } from '../artifacts/model.js'
import type { DeploymentHistory } from '../changes/detect-changes.js'
import { serviceStatus, type DeployServices } from '../deploy/entry.js'

/**
 * Deployment history read from the targets themselves instead of GitHub: the version every host
 * of the environment runs, mapped to the commit its build record names. A service whose hosts
 * disagree (a deploy that stopped half-way) or whose build record is gone has no last deployment,
 * so it is selected again.
 */
export class TargetDeploymentHistory implements DeploymentHistory {
  constructor(private readonly services: DeployServices) {}

  async lastSuccessfulSha(service: string, environment: string): Promise<string | undefined> {
    const status = await serviceStatus({ service, environment }, this.services)
    const versions = new Set(status.hosts.map((h) => h.version))
    const [version] = [...versions]
    if (versions.size !== 1 || !version) return undefined
    try {
      const file = path.join(this.services.artifactsDir, service, version, BUILD_RECORD_FILE)
      const record = JSON.parse(await readFile(file, 'utf8')) as BuildRecord
      return record.commit
    } catch {
      return undefined
    }
  }
}
