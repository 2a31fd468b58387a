import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { runCli, type CliIo } from '../../../src/cli/main.js'
import { TestRepo } from '../../helpers/git-repo.js'

function io(repo: string): { io: CliIo; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: { write: (s: string) => ((out += s), true), isTTY: false },
      stderr: { write: (s: string) => ((err += s), true) },
      env: { SOURCE_DATE_EPOCH: '1700000000' },
      cwd: repo
    },
    out: () => out,
    err: () => err
  }
}

describe('shipline build', () => {
  it('packages locally, names the folder, and restores an unchanged service from the local cache', async () => {
    const repo = TestRepo.fromExample()
    const first = io(repo.dir)
    const args = ['build', 'artifact=catalog', 'version=1.2.3', 'format=deb,tgz', `repo=${repo.dir}`]
    expect(await runCli(args, first.io)).toBe(0)
    const folder = path.join(repo.dir, '.shipline/artifacts/catalog/1.2.3')
    expect(first.out()).toContain(`artifacts in ${folder}`)
    expect(first.out()).toMatch(/packaging deb: 100%/)
    expect(first.out()).toMatch(/catalog 1\.2\.3 built/)
    expect(existsSync(path.join(folder, 'catalog_1.2.3_all.deb'))).toBe(true)

    const second = io(repo.dir)
    expect(await runCli([...args, '--json'], second.io)).toBe(0)
    const record = JSON.parse(second.out())
    expect(record).toMatchObject({
      service: 'catalog',
      version: '1.2.3',
      sourceDateEpoch: 1700000000,
      cacheHit: true
    })
    expect(record.files.map((f: { format: string }) => f.format)).toEqual(['deb', 'tgz'])
  })

  it('exits 2 with the location for a configuration mistake', async () => {
    const repo = TestRepo.fromExample()
    const c = io(repo.dir)
    expect(await runCli(['build', 'artifact=catalog', 'format=zip', `repo=${repo.dir}`], c.io)).toBe(2)
    expect(c.err()).toMatch(/unknown format zip/)
  })
})
