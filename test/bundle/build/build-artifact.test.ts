import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runActionBundle } from '../../helpers/action-runner.js'
import { TestRepo } from '../../helpers/git-repo.js'

describe('build-artifact bundle', () => {
  it('builds the packages, sets outputs with paths, digests and sizes, and writes a summary table', async () => {
    const repo = TestRepo.fromExample()
    const run = await runActionBundle('build-artifact', {
      workspace: repo.dir,
      inputs: {
        service: 'catalog',
        version: '1.2.3',
        formats: 'deb,tgz',
        cache: 'false',
        'output-dir': 'out'
      },
      env: { GITHUB_RUN_NUMBER: '456' }
    })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs.version).toBe('1.2.3')
    expect(run.outputs['cache-hit']).toBe('false')
    expect(run.outputs.deb).toBe(path.join(repo.dir, 'out/catalog/1.2.3/catalog_1.2.3_all.deb'))
    expect(run.outputs['deb-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(Number(run.outputs['tgz-size'])).toBeGreaterThan(0)
    expect(run.outputs.rpm).toBeUndefined()
    const artifacts = JSON.parse(run.outputs.artifacts as string) as { format: string; sha256: string }[]
    expect(artifacts.map((a) => a.format)).toEqual(['deb', 'tgz'])
    const record = JSON.parse(readFileSync(run.outputs.record as string, 'utf8'))
    expect(record.files).toEqual(JSON.parse(run.outputs.artifacts as string))
    expect(run.summary).toContain('| .deb | catalog_1.2.3_all.deb |')
    expect(run.stdout).toContain('::group::Build catalog 1.2.3')
  })

  it('defaults the version to the service version, the run number and the commit', async () => {
    const repo = TestRepo.fromExample()
    const run = await runActionBundle('build-artifact', {
      workspace: repo.dir,
      inputs: { service: 'orders', formats: 'tgz', cache: 'false' },
      env: { GITHUB_RUN_NUMBER: '456' }
    })
    expect(run.errors).toEqual([])
    expect(run.outputs.version).toBe(`1.0.0+b456.g${repo.head().slice(0, 7)}`)
    expect(existsSync(run.outputs.tgz as string)).toBe(true)
    expect(run.outputs.tgz?.startsWith(run.runnerTemp)).toBe(true)
  })

  it('fails with the action name and the input named for a bad version or format', async () => {
    const repo = TestRepo.fromExample()
    const bad = await runActionBundle('build-artifact', {
      workspace: repo.dir,
      inputs: { service: 'catalog', version: '1.2 3', formats: 'deb,zip' }
    })
    expect(bad.exitCode).toBe(1)
    expect(bad.errors.join('\n')).toMatch(/^build-artifact: .*input "version"/m)
  })
})
