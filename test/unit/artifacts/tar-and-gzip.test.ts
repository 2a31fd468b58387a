import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { writeTreeArchive } from '../../../src/core/artifacts/archive-file.js'
import { gzipBuffer, gzipChunks } from '../../../src/core/artifacts/gzip.js'
import { stageTree } from '../../../src/core/artifacts/stage-tree.js'
import { TreeFixture } from './tree-fixture.js'

const SDE = 1_700_000_000
const longDir = 'd'.repeat(60) + '/' + 'e'.repeat(60)
const longName = `${longDir}/${'f'.repeat(120)}.txt`

async function sampleTree() {
  const t = new TreeFixture()
    .write('src/server.mjs', 'console.log("hi")\n')
    .write('bin/start', '#!/bin/sh\necho start\n', 0o755)
    .write(longName, 'long\n')
    .write('big.bin', Buffer.alloc(700_000, 7))
    .write('café/ü.txt', 'utf8 name\n')
    .link('current', 'src/server.mjs')
    .link('far', `${longDir}/${'f'.repeat(120)}.txt`)
  return { t, tree: await stageTree({ sourceDir: t.dir, installDir: '/opt/catalog', mtime: SDE }) }
}

/** The typeflags of every header in a tar stream (to prove there is no PAX record). */
function typeflags(tar: Buffer): string[] {
  const flags: string[] = []
  let offset = 0
  while (offset + 512 <= tar.length && tar[offset] !== 0) {
    const type = String.fromCharCode(tar[offset + 156] as number)
    const size = parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString('latin1')
        .replace(/\0.*$/, ''),
      8
    )
    flags.push(type)
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return flags
}

describe('tar writer and deterministic gzip', () => {
  it('writes a .tar.gz that GNU tar lists and extracts exactly, owned by root, stamped with SDE', async () => {
    const { t, tree } = await sampleTree()
    const out = mkdtempSync(path.join(tmpdir(), 'shipline-tgz-'))
    const file = path.join(out, 'catalog.tar.gz')
    const digests = await writeTreeArchive(tree.entries, file, {
      tar: { mtime: SDE, rootEntry: true },
      gzip: {}
    })
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', file], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' }
    })
    const lines = listing.trim().split('\n')
    expect(lines[0]).toMatch(/^drwxr-xr-x 0\/0 +0 2023-11-14 22:13:20 \.\/$/)
    expect(lines.every((l) => l.includes(' 0/0 ') && l.includes('2023-11-14 22:13:20'))).toBe(true)
    expect(lines.some((l) => l.startsWith('-rwxr-xr-x') && l.endsWith('./opt/catalog/bin/start'))).toBe(true)
    expect(lines.some((l) => l.endsWith(`./opt/catalog/${longName}`))).toBe(true)
    expect(lines.some((l) => l.endsWith(`./opt/catalog/far -> ${longDir}/${'f'.repeat(120)}.txt`))).toBe(true)
    expect(execFileSync('tar', ['-tvzf', file, '--numeric-owner'], { encoding: 'utf8' })).not.toMatch(
      /PaxHeader/
    )

    const x = mkdtempSync(path.join(tmpdir(), 'shipline-x-'))
    execFileSync('tar', ['-xzf', file, '-C', x])
    for (const rel of ['src/server.mjs', longName, 'big.bin', 'café/ü.txt']) {
      expect(readFileSync(path.join(x, 'opt/catalog', rel)).equals(readFileSync(t.path(rel)))).toBe(true)
    }
    expect(readdirSync(out)).toEqual(['catalog.tar.gz'])

    const gz = readFileSync(file)
    expect(digests.stored.size).toBe(gz.length)
    const tar = zlib.gunzipSync(gz)
    expect(digests.tarSize).toBe(tar.length)
    expect(new Set(typeflags(tar))).toEqual(new Set(['5', '0', '2', 'L', 'K']))
  })

  it('gives the same bytes whatever the read chunking, with a fixed gzip header', async () => {
    const data = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i % 977} ${i % 13}\n`).join(''))
    const compress = async (chunkSize: number, engine: 'fflate' | 'zlib') => {
      const chunks: Uint8Array[] = []
      for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize))
      const out: Uint8Array[] = []
      for await (const c of gzipChunks(Readable.from(chunks), { engine })) out.push(c)
      return Buffer.concat(out)
    }
    for (const engine of ['fflate', 'zlib'] as const) {
      const a = await compress(1000, engine)
      const b = await compress(70_001, engine)
      expect(a.equals(b)).toBe(true)
      expect(zlib.gunzipSync(a).equals(data)).toBe(true)
      expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
    }
    const max = gzipBuffer(data, { level: 9 })
    expect(max[8]).toBe(2)
    expect(zlib.gunzipSync(max).equals(data)).toBe(true)
  })

  it('builds the same archive bytes twice from the same tree', async () => {
    const { tree } = await sampleTree()
    const out = mkdtempSync(path.join(tmpdir(), 'shipline-twice-'))
    const one = await writeTreeArchive(tree.entries, path.join(out, 'a.tgz'), {
      tar: { mtime: SDE },
      gzip: {}
    })
    const { tree: again } = await sampleTree()
    const two = await writeTreeArchive(again.entries, path.join(out, 'b.tgz'), {
      tar: { mtime: SDE },
      gzip: {}
    })
    expect(two).toEqual(one)
  })
})
