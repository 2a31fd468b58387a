import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  appendFileSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { ARCHIVE_BLOCK_BYTES } from '../../../src/core/artifacts/archive-blocks.js'
import { FileDigests } from '../../../src/core/artifacts/file-digests.js'
import type { TreeEntry } from '../../../src/core/artifacts/model.js'
import { stageTree } from '../../../src/core/artifacts/stage-tree.js'
import { tarChunks } from '../../../src/core/artifacts/tar-writer.js'
import { tempDir } from './build-fixture.js'
import { TreeFixture } from './tree-fixture.js'

const SDE = 1_700_000_000

/** Deterministic bytes that do not compress (a file of an image or a binary). */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/** Files around every boundary the writer has: empty, tiny, 64 KiB, exactly one block, several blocks. */
function mixedTree(): TreeFixture {
  const t = new TreeFixture()
  t.write('empty.txt', '')
  t.write('one-block.bin', noise(ARCHIVE_BLOCK_BYTES, 1))
  t.write('spans-blocks.bin', noise(ARCHIVE_BLOCK_BYTES * 2 + ARCHIVE_BLOCK_BYTES / 2 + 7, 2))
  t.write('just-over-64k.bin', noise(64 * 1024 + 1, 3))
  for (let i = 0; i < 200; i++) t.write(`many/f${i}.js`, `// file ${i}\n`.repeat((i * 37) % 900))
  t.link('many/latest.js', 'f199.js')
  return t
}

async function archive(
  entries: readonly TreeEntry[],
  onContent?: (entry: TreeEntry, chunk: Uint8Array) => void
) {
  const blocks: Buffer[] = []
  for await (const block of tarChunks(entries, { mtime: SDE, rootEntry: true, onContent })) {
    blocks.push(Buffer.from(block))
  }
  return blocks
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length
}

describe('archive blocks: the tar (and cpio) byte stream', () => {
  it('comes in whole blocks that GNU tar extracts to exactly the files on disk, digests alongside', async () => {
    const t = mixedTree()
    const tree = await stageTree({ sourceDir: t.dir, installDir: '/opt/app', mtime: SDE })
    const md5 = new FileDigests('md5')
    const blocks = await archive(tree.entries, md5.onContent)

    expect(blocks.length).toBeGreaterThan(3)
    expect(blocks.slice(0, -1).every((b) => b.length === ARCHIVE_BLOCK_BYTES)).toBe(true)
    const tarFile = path.join(tempDir('shipline-blocks-'), 'app.tar')
    writeFileSync(tarFile, Buffer.concat(blocks))
    const out = tempDir('shipline-blocks-x-')
    execFileSync('tar', ['-xf', tarFile, '-C', out])
    for (const entry of tree.entries.filter((e) => e.type === 'file')) {
      const extracted = readFileSync(path.join(out, entry.path))
      expect(extracted.equals(readFileSync(entry.source as string))).toBe(true)
      expect(md5.of(entry.path)).toBe(createHash('md5').update(extracted).digest('hex'))
    }
    expect(md5.of('opt/app/empty.txt')).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(readdirSync(path.join(out, 'opt/app/many'))).toHaveLength(201)
  })

  it('gives the same bytes on every run', async () => {
    const t = mixedTree()
    const tree = await stageTree({ sourceDir: t.dir, installDir: '/opt/app', mtime: SDE })
    const once = Buffer.concat(await archive(tree.entries))
    const again = Buffer.concat(await archive(tree.entries))
    expect(again.equals(once)).toBe(true)
  })

  const BIG = ARCHIVE_BLOCK_BYTES * 2 + 100
  it.each([
    ['grows', 70_000, (file: string) => appendFileSync(file, 'more'), 'found more than 70000'],
    ['shrinks', 70_000, (file: string) => truncateSync(file, 1000), 'found 1000'],
    ['shrinks across blocks', BIG, (file: string) => truncateSync(file, BIG - 50), `found ${BIG - 50}`]
  ])(
    'fails naming the file when it %s after staging, leaving no file open',
    async (_what, size, change, found) => {
      const t = new TreeFixture()
        .write('a.txt', 'a\n')
        .write('data.bin', noise(size, 4))
        .write('z.txt', 'z\n')
      const tree = await stageTree({ sourceDir: t.dir, installDir: '/opt/app', mtime: SDE })
      change(t.path('data.bin'))
      const before = openDescriptors()
      const failing = archive(tree.entries)
      await expect(failing).rejects.toThrow(
        `${t.path('data.bin')} changed while it was being packaged (expected ${size} bytes, ${found})`
      )
      expect(openDescriptors()).toBe(before)
    }
  )

  it('does not follow a file that was swapped for a symlink after staging', async () => {
    const t = new TreeFixture().write('config.txt', 'x'.repeat(10)).write('secret.txt', 'y'.repeat(10))
    const tree = await stageTree({ sourceDir: t.dir, installDir: '/opt/app', mtime: SDE })
    rmSync(t.path('config.txt'))
    symlinkSync(t.path('secret.txt'), t.path('config.txt'))
    await expect(archive(tree.entries)).rejects.toThrow(/ELOOP/)
  })
})
