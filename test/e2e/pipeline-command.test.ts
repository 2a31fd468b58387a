import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runCli } from '../../src/cli/main.js'
import { TestRepo } from '../helpers/git-repo.js'

interface PipelineJson {
  ok: boolean
  services: {
    service: string
    reasons: string[]
    version?: string
    cacheHit?: boolean
    artifacts?: { format: string; sha256: string }[]
    result?: string
    hosts?: { host: string; health: string; versionAfter?: string }[]
    error?: string
  }[]
  stopped: string[]
}

async function pipeline(
  repo: TestRepo,
  ...args: string[]
): Promise<{ code: number; report: PipelineJson; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(['pipeline', '--repo', repo.dir, '--json', ...args], {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', USER: 'tester' },
    cwd: repo.dir
  })
  return { code, report: JSON.parse(out) as PipelineJson, err }
}

describe('shipline pipeline (the main job) on a repository made from the example monorepo', () => {
  const repo = TestRepo.fromExample()
  afterAll(async () => {
    // The pipeline stops what it started; this only cleans up after a test that failed half-way.
    for (const service of ['catalog', 'orders', 'web']) {
      await runCli(['stop', `artifact=${service}`, 'environment=local', `repo=${repo.dir}`], {
        stdout: { write: () => true },
        stderr: { write: () => true },
        env: { PATH: process.env.PATH ?? '' },
        cwd: repo.dir
      })
    }
  })

  it('first run: builds, packages and deploys every service, healthy, then stops them', async () => {
    const { code, report } = await pipeline(repo)
    expect(code).toBe(0)
    expect(report.ok).toBe(true)
    expect(report.services.map((s) => s.service)).toEqual(['catalog', 'orders', 'web'])
    for (const run of report.services) {
      expect(run.reasons).toEqual(['never deployed successfully to local'])
      expect(run.result).toBe('success')
      expect(run.artifacts?.map((a) => a.format).sort()).toEqual(['deb', 'oci', 'rpm', 'tgz'])
      expect(run.hosts?.every((h) => h.health === 'passed' && h.versionAfter === run.version)).toBe(true)
    }
    expect(report.stopped).toEqual(['catalog', 'orders', 'web'])
  })

  it('second run without changes: nothing to build or deploy', async () => {
    const { code, report } = await pipeline(repo)
    expect(code).toBe(0)
    expect(report.services).toEqual([])
  })

  it('a change to one service rebuilds and redeploys only that one', async () => {
    repo.write('services/orders/src/extra.mjs', 'export const extra = 1\n')
    repo.commit('orders: add extra')
    const { code, report } = await pipeline(repo)
    expect(code).toBe(0)
    expect(report.services.map((s) => s.service)).toEqual(['orders'])
    expect(report.services[0]?.cacheHit).toBe(false)
    expect(report.services[0]?.reasons.join(' ')).toMatch(/changed since its last successful deployment/)
  })

  it('a change to the shared library redeploys exactly its dependents, in dependency order', async () => {
    repo.write(
      'libs/common/http.mjs',
      `// shared change\n${readFileSync(path.join(repo.dir, 'libs/common/http.mjs'), 'utf8')}`
    )
    repo.commit('common: touch')
    const { code, report } = await pipeline(repo)
    expect(code).toBe(0)
    expect(report.services.map((s) => s.service)).toEqual(['catalog', 'orders', 'web'])
  })

  it('a service whose build fails is reported, its dependents are skipped, the others still deploy', async () => {
    repo.write(
      'services/catalog/service.yml',
      repo.git('show', 'HEAD:services/catalog/service.yml').replace('build-service.mjs]', 'missing.mjs]')
    )
    repo.write('services/orders/src/extra.mjs', 'export const extra = 2\n')
    repo.commit('break catalog build, change orders')
    const { code, report } = await pipeline(repo)
    expect(code).toBe(1)
    const byName = Object.fromEntries(report.services.map((s) => [s.service, s]))
    expect(byName.catalog?.error).toMatch(/build|exit/i)
    expect(byName.web?.error).toBe('skipped: it depends on catalog, which failed')
    expect(byName.orders?.result).toBe('success')
  })
})
