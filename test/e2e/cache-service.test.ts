import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { projectRoot } from '../helpers/action-runner.js'
import { LocalCacheService } from '../helpers/workflow-harness/cache-service.js'

/**
 * Runs @actions/cache itself, in its own process as an action would, against the service (never
 * spawnSync: the service answers from this very process).
 */
async function toolkit(env: Record<string, string>, dir: string, script: string): Promise<string> {
  const cacheModule = path.join(projectRoot, 'node_modules', '@actions', 'cache', 'lib', 'cache.js')
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import * as cache from '${cacheModule}'\n${script}`],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        RUNNER_TEMP: dir,
        GITHUB_SERVER_URL: 'https://github.com',
        ...env
      }
    }
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise((resolve) => child.on('close', resolve))
  return out
}

describe('the local stand-in for GitHub cache service', () => {
  let service: LocalCacheService
  beforeAll(async () => {
    service = await LocalCacheService.start()
  })
  afterAll(() => service.close())

  it('lets @actions/cache save a folder and restore it elsewhere, exactly and by prefix, and misses otherwise', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shipline-cache-'))
    mkdirSync(path.join(dir, 'data'))
    writeFileSync(path.join(dir, 'data', 'a.txt'), 'hello from the first job\n')
    const saved = await toolkit(
      service.env(),
      dir,
      "console.log('id', await cache.saveCache(['data'], 'build-catalog-abc'))"
    )
    expect(saved).toMatch(/id \d+/)

    const elsewhere = mkdtempSync(path.join(tmpdir(), 'shipline-cache-'))
    const exact = await toolkit(
      service.env(),
      elsewhere,
      "console.log('hit', await cache.restoreCache(['data'], 'build-catalog-abc'))"
    )
    expect(exact).toMatch(/hit build-catalog-abc/)
    expect(readFileSync(path.join(elsewhere, 'data', 'a.txt'), 'utf8')).toBe('hello from the first job\n')

    const byPrefix = await toolkit(
      service.env(),
      mkdtempSync(path.join(tmpdir(), 'shipline-cache-')),
      "console.log('hit', await cache.restoreCache(['data'], 'build-catalog-zzz', ['build-catalog-']))"
    )
    expect(byPrefix).toMatch(/hit build-catalog-abc/)

    const miss = await toolkit(
      service.env(),
      mkdtempSync(path.join(tmpdir(), 'shipline-cache-')),
      "console.log('hit', await cache.restoreCache(['data'], 'build-orders-abc'))"
    )
    expect(miss).toMatch(/hit undefined/)
    expect(service.log).toEqual([
      'save build-catalog-abc',
      'restore build-catalog-abc',
      'restore build-catalog-abc'
    ])
  })
})
