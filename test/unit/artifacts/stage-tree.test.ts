import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { ConfigError } from '../../../src/core/errors.js'
import { stageTree } from '../../../src/core/artifacts/stage-tree.js'
import { TreeFixture } from './tree-fixture.js'

const base = { installDir: '/opt/catalog', mtime: 1_700_000_000 }

function summary(entries: { path: string; type: string; mode: number }[]): string[] {
  return entries.map((e) => `${e.type} ${e.mode.toString(8)} ${e.path}`)
}

describe('stageTree', () => {
  it('maps the output under the install dir, parents first, sorted byte-wise, modes normalised', async () => {
    const t = new TreeFixture()
      .write('src/server.mjs', 'console.log(1)\n', 0o664)
      .write('bin/start', '#!/bin/sh\n', 0o700)
      .write('B.txt', 'upper', 0o600)
      .link('bin/current', '../src/server.mjs')
    const tree = await stageTree({ ...base, sourceDir: t.dir })
    expect(summary(tree.entries)).toEqual([
      'dir 755 opt',
      'dir 755 opt/catalog',
      'file 644 opt/catalog/B.txt',
      'dir 755 opt/catalog/bin',
      'symlink 777 opt/catalog/bin/current',
      'file 755 opt/catalog/bin/start',
      'dir 755 opt/catalog/src',
      'file 644 opt/catalog/src/server.mjs'
    ])
    expect(tree.entries.find((e) => e.type === 'symlink')?.linkTarget).toBe('../src/server.mjs')
    expect(tree.entries.find((e) => e.path.endsWith('server.mjs'))?.size).toBe(15)
    expect(tree.mtime).toBe(base.mtime)
  })

  it('leaves credential files out by default and keeps them on opt-in', async () => {
    const t = new TreeFixture()
      .write('app.js', 'x')
      .write('.env', 'TOKEN=1')
      .write('conf/server.pem', 'key')
      .write('keys/id_rsa', 'key')
      .write('.git/config', '[core]')
    const tree = await stageTree({ ...base, sourceDir: t.dir })
    expect(tree.entries.map((e) => e.path)).toEqual([
      'opt',
      'opt/catalog',
      'opt/catalog/app.js',
      'opt/catalog/conf',
      'opt/catalog/keys'
    ])
    expect(tree.excludedCredentials).toEqual(['.env', '.git', 'conf/server.pem', 'keys/id_rsa'])
    const opted = await stageTree({ ...base, sourceDir: t.dir, includeCredentials: true })
    expect(opted.entries.map((e) => e.path)).toContain('opt/catalog/.env')
    expect(opted.entries.map((e) => e.path)).toContain('opt/catalog/.git/config')
    expect(opted.excludedCredentials).toEqual([])
  })

  it('applies build.exclude patterns', async () => {
    const t = new TreeFixture().write('app.js', 'x').write('test/a.test.js', 'x').write('notes.md', 'x')
    const tree = await stageTree({ ...base, sourceDir: t.dir, exclude: ['test', '*.md'] })
    expect(tree.entries.map((e) => e.path)).toEqual(['opt', 'opt/catalog', 'opt/catalog/app.js'])
  })

  it.each([
    ['an absolute target', 'deep/dir/l', '/etc/passwd'],
    ['a relative escape', 'deep/l', '../../outside'],
    ['an escape a textual check misses: up -> ../.., then up/../x', 'deep/dir/l', 'up/../x']
  ])('refuses a symlink with %s', async (_what, link, target) => {
    const t = new TreeFixture().write('deep/dir/app.js', 'x').link('deep/dir/up', '../..').link(link, target)
    const staging = stageTree({ ...base, sourceDir: t.dir, displayDir: 'services/catalog/dist' })
    await expect(staging).rejects.toBeInstanceOf(ConfigError)
    await expect(staging).rejects.toThrow(`services/catalog/dist/${link} points outside the build output`)
  })

  it('keeps a link that goes up and comes back inside, and a dangling link inside', async () => {
    const t = new TreeFixture()
      .write('a/app.js', 'x')
      .link('a/back', '../a/app.js')
      .link('a/later', 'missing')
    const tree = await stageTree({ ...base, sourceDir: t.dir })
    expect(tree.entries.filter((e) => e.type === 'symlink').map((e) => e.linkTarget)).toEqual([
      '../a/app.js',
      'missing'
    ])
  })

  it('refuses a FIFO with its path named', async () => {
    const t = new TreeFixture().write('app.js', 'x')
    execFileSync('mkfifo', [t.path('pipe')])
    await expect(stageTree({ ...base, sourceDir: t.dir, displayDir: 'svc/dist' })).rejects.toThrow(
      'svc/dist/pipe is a FIFO'
    )
  })

  it('refuses an empty output and a missing output folder', async () => {
    const empty = new TreeFixture().mkdir('only/dirs')
    await expect(stageTree({ ...base, sourceDir: empty.dir, displayDir: 'dist' })).rejects.toThrow(
      'the build output dist is empty'
    )
    await expect(stageTree({ ...base, sourceDir: empty.path('nope') })).rejects.toThrow(/does not exist/)
  })

  it('refuses an install dir that is not a clean absolute path', async () => {
    const t = new TreeFixture().write('app.js', 'x')
    for (const installDir of ['opt/x', '/opt/../etc', '/']) {
      await expect(stageTree({ ...base, installDir, sourceDir: t.dir })).rejects.toBeInstanceOf(ConfigError)
    }
  })

  it('adds generated files with their parent folders', async () => {
    const t = new TreeFixture().write('app.js', 'x')
    const content = Buffer.from('copyright\n')
    const tree = await stageTree({
      ...base,
      sourceDir: t.dir,
      extra: [{ path: 'usr/share/doc/catalog/copyright', type: 'file', mode: 0o644, size: 10, content }]
    })
    expect(tree.entries.map((e) => e.path)).toEqual([
      'opt',
      'opt/catalog',
      'opt/catalog/app.js',
      'usr',
      'usr/share',
      'usr/share/doc',
      'usr/share/doc/catalog',
      'usr/share/doc/catalog/copyright'
    ])
  })
})
