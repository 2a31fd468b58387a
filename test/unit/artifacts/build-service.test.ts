import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { Writable } from 'node:stream'
import type { SinkFactory } from '../../../src/core/artifacts/atomic-file.js'
import { fileSha256 } from '../../../src/core/artifacts/build-record.js'
import { BUILD_RECORD_FILE } from '../../../src/core/artifacts/model.js'
import { ConfigError, OperationError } from '../../../src/core/errors.js'
import { LocalFolderCache, type ArtifactCache } from '../../../src/platform/cache.js'
import { TestRepo } from '../../helpers/git-repo.js'
import { build, singleServiceRepo, tempDir } from './build-fixture.js'

const digests = (files: { format: string; path: string; sha256: string }[]) =>
  Object.fromEntries(files.map((f) => [path.basename(f.path), f.sha256]))

describe('buildService', () => {
  it('gives byte-identical .deb, .rpm, .tar.gz and OCI image from two clones of the same commit', async () => {
    const one = TestRepo.fromExample()
    const two = new TestRepo(tempDir('shipline-clone-'))
    execFileSync('git', ['clone', '-q', one.dir, two.dir])
    const a = await build(one, { service: 'catalog', version: '1.2.3' })
    const b = await build(two, { service: 'catalog', version: '1.2.3' })
    expect(a.result.record.files.map((f) => f.format)).toEqual(['deb', 'rpm', 'tgz', 'oci'])
    expect(digests(b.result.record.files)).toEqual(digests(a.result.record.files))
    for (const file of a.result.record.files.filter((f) => f.format !== 'oci')) {
      expect(await fileSha256(file.path)).toBe(file.sha256)
    }
    expect(a.result.record.sourceDateEpoch).toBe(Number(one.git('log', '-1', '--format=%ct').trim()))
    const record = JSON.parse(readFileSync(a.result.recordPath, 'utf8'))
    expect(record).toEqual(a.result.record)
    expect(
      path.relative(path.dirname(path.dirname(path.dirname(a.result.recordPath))), a.result.recordPath)
    ).toBe(`catalog/1.2.3/${BUILD_RECORD_FILE}`)
  })

  it('derives the default version from the service version, run number and commit', async () => {
    const repo = TestRepo.fromExample()
    const { result } = await build(repo, { service: 'orders', runNumber: 456, formats: ['tgz'] })
    expect(result.record.version).toBe(`1.0.0+b456.g${repo.head().slice(0, 7)}`)
    await expect(build(repo, { service: 'orders', version: 'not a version' })).rejects.toBeInstanceOf(
      ConfigError
    )
  })

  it('builds the OCI image from the same staged tree when oci is among the formats', async () => {
    const repo = TestRepo.fromExample()
    const { result } = await build(repo, { service: 'catalog', version: '1.2.3', formats: ['tgz', 'oci'] })
    const oci = result.record.files.find((f) => f.format === 'oci')
    expect(oci?.path).toBe(path.join(path.dirname(result.recordPath), 'oci'))
    expect(result.record.image?.digest).toBe(`sha256:${oci?.sha256}`)
    const index = JSON.parse(readFileSync(path.join(oci?.path as string, 'index.json'), 'utf8'))
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toContain(result.record.image?.digest)
  })

  it('restores an unchanged service from the cache and rebuilds when it or a dependency changes', async () => {
    const repo = TestRepo.fromExample()
    const cache = new LocalFolderCache(tempDir('shipline-cache-'))
    const first = await build(repo, { service: 'catalog', cache, runNumber: 1 })
    expect(first.result.cacheHit).toBe(false)

    repo.write('services/web/src/extra.mjs', 'export {}\n')
    repo.commit('change another service')
    const second = await build(repo, { service: 'catalog', cache, runNumber: 2 })
    expect(second.result.cacheHit).toBe(true)
    expect(second.logger.messages('group')).toEqual([])
    expect(second.result.record.version).toBe(first.result.record.version)
    expect(digests(second.result.record.files)).toEqual(digests(first.result.record.files))
    for (const file of second.result.record.files) expect(existsSync(file.path)).toBe(true)

    repo.write(
      'libs/common/http.mjs',
      readFileSync(path.join(repo.dir, 'libs/common/http.mjs'), 'utf8') + '\n// x\n'
    )
    repo.commit('change the shared library')
    const third = await build(repo, { service: 'catalog', cache, runNumber: 3 })
    expect(third.result.cacheHit).toBe(false)
    expect(third.result.record.version).toMatch(/^1\.0\.0\+b3\./)
  })

  it('treats a failing cache as a miss with a warning, and a tampered entry as a miss', async () => {
    const repo = TestRepo.fromExample()
    const broken: ArtifactCache = {
      description: 'broken cache',
      restore: () => Promise.reject(new Error('503 from the cache service')),
      save: () => Promise.reject(new Error('503 from the cache service'))
    }
    const { result, logger } = await build(repo, { service: 'orders', cache: broken, formats: ['tgz'] })
    expect(result.cacheHit).toBe(false)
    expect(logger.messages('warning').join('\n')).toMatch(/503 from the cache service/)

    const root = tempDir('shipline-cache-')
    const cache = new LocalFolderCache(root)
    await build(repo, { service: 'orders', cache, formats: ['tgz'] })
    const [entry] = readdirSync(root)
    const versionDir = path.join(
      root,
      entry as string,
      readdirSync(path.join(root, entry as string))[0] as string
    )
    const tgz = readdirSync(versionDir).find((f) => f.endsWith('.tar.gz')) as string
    execFileSync('truncate', ['-s', '10', path.join(versionDir, tgz)])
    const again = await build(repo, { service: 'orders', cache, formats: ['tgz'] })
    expect(again.result.cacheHit).toBe(false)
    expect(again.logger.messages('warning').join('\n')).toMatch(/does not match its record/)
  })

  it('fails with the tail of the build log when the command exits non-zero, leaving no record', async () => {
    const repo = singleServiceRepo(
      'name: api\nmaintainer: Team <team@example.com>\nbuild:\n  command: [node, build.mjs]\n  output: dist\n',
      {
        'build.mjs':
          'for (let i = 1; i <= 50; i++) console.log(`step ${i}`)\nconsole.error("tsc: type error")\nprocess.exit(3)\n'
      }
    )
    const outDir = tempDir('shipline-out-')
    const failing = build(repo, { service: 'api', version: '1.0.0', outDir })
    await expect(failing).rejects.toBeInstanceOf(OperationError)
    await expect(failing).rejects.toThrow(
      /exited with code 3; last lines of its log:[\s\S]*step 50[\s\S]*tsc: type error/
    )
    await expect(failing).rejects.not.toThrow(/step 10\b/)
    expect(existsSync(path.join(outDir, 'api/1.0.0', BUILD_RECORD_FILE))).toBe(false)
  })

  it('names a build program that does not exist as a configuration mistake', async () => {
    const repo = singleServiceRepo(
      'name: api\nmaintainer: Team <team@example.com>\nbuild:\n  command: [shipline-no-such-compiler]\n'
    )
    await expect(build(repo, { service: 'api', version: '1.0.0' })).rejects.toThrow(
      /shipline-no-such-compiler was not found/
    )
  })

  it('passes the version and SOURCE_DATE_EPOCH to the build, and packages the folder as it is without a command', async () => {
    const repo = singleServiceRepo(
      'name: api\nmaintainer: Team <team@example.com>\nbuild:\n  command: [node, build.mjs]\n  output: out\n',
      {
        'build.mjs':
          'import fs from "node:fs"\nfs.mkdirSync("out", { recursive: true })\nfs.writeFileSync("out/env.txt", `${process.env.SHIPLINE_VERSION} ${process.env.SOURCE_DATE_EPOCH}`)\n'
      }
    )
    const { result } = await build(repo, {
      service: 'api',
      version: '2.0.0',
      sourceDateEpoch: 0,
      formats: ['tgz']
    })
    const listing = execFileSync(
      'tar',
      ['-xzOf', result.record.files[0]?.path as string, './opt/api/env.txt'],
      {
        encoding: 'utf8'
      }
    )
    expect(listing).toBe('2.0.0 0')
  })

  it('refuses a package name dpkg would refuse and an output folder outside the service', async () => {
    const short = singleServiceRepo('name: a\nmaintainer: Team <team@example.com>\n', { 'app.js': 'x' })
    await expect(build(short, { service: 'a', version: '1.0.0' })).rejects.toThrow(
      /"a" is not a valid package name/
    )
    const escaping = singleServiceRepo(
      'name: api\nmaintainer: Team <team@example.com>\nbuild:\n  output: ../../etc\n'
    )
    const staging = build(escaping, { service: 'api', version: '1.0.0' })
    await expect(staging).rejects.toBeInstanceOf(ConfigError)
    await expect(staging).rejects.toThrow(/build.output "..\/..\/etc" points outside the service folder/)
  })

  it('leaves credential files out with a warning', async () => {
    const repo = singleServiceRepo('name: api\nmaintainer: Team <team@example.com>\n', {
      'app.js': 'x',
      '.env': 'SECRET=1',
      'certs/server.pem': 'k'
    })
    const { result, logger } = await build(repo, { service: 'api', version: '1.0.0', formats: ['tgz'] })
    expect(result.excludedCredentials).toEqual(['.env', 'certs/server.pem'])
    expect(logger.messages('warning').join('\n')).toMatch(
      /left out credential-looking files \.env, certs\/server\.pem/
    )
    const names = execFileSync('tar', ['-tzf', result.record.files[0]?.path as string], { encoding: 'utf8' })
    expect(names).not.toMatch(/\.env|\.pem/)
  })

  it('leaves no half-written artifact and no record when the disk fills up', async () => {
    const repo = singleServiceRepo('name: api\nmaintainer: Team <team@example.com>\n', {
      'big.bin': randomBytes(300_000).toString('base64')
    })
    // Writes to the real file until `limit` bytes, then fails the way a full disk does; `only`
    // picks the files it fails on (the package itself, or also the payload spooled before it).
    const fullDisk =
      (limit: number, only: (file: string) => boolean = () => true): SinkFactory =>
      (file) => {
        const real = createWriteStream(file)
        let written = 0
        return new Writable({
          write(chunk: Buffer, _enc, done) {
            written += chunk.length
            if (written > limit && only(file))
              done(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
            else real.write(chunk, done)
          },
          final(done) {
            real.end(done)
          },
          destroy(error, done) {
            real.destroy()
            done(error)
          }
        })
      }
    const whilePackaging = fullDisk(2048)
    // The spooled payload is written whole; the disk fills while the package is assembled from it.
    const whileAssembling = fullDisk(100_000, (file) => /\.(deb|rpm)\.partial$/.test(file))
    const cases = [
      ...(['deb', 'rpm', 'tgz'] as const).map((format) => ({ format, sink: whilePackaging })),
      ...(['deb', 'rpm'] as const).map((format) => ({ format, sink: whileAssembling }))
    ]
    for (const { format, sink } of cases) {
      const outDir = tempDir('shipline-full-')
      const failing = build(repo, {
        service: 'api',
        version: '1.0.0',
        formats: [format],
        outDir,
        sink
      })
      await expect(failing).rejects.toThrow(/no space left/)
      await expect(failing).rejects.toBeInstanceOf(OperationError)
      expect(readdirSync(path.join(outDir, 'api', '1.0.0'))).toEqual([])
      rmSync(outDir, { recursive: true })
    }
  })
})
