/**
 * Packaging benchmark (`npm run bench:package`): a generated tree of 1 GB in 50,000 files,
 * packaged as a .deb by shipline and by `dpkg-deb --build -Zgzip`, and as a tarball by
 * `tar -czf` (the floor), in the same run on the same machine. Each packager runs in its own
 * process so its peak memory (max RSS, from GNU time) can be reported. shipline runs twice: with
 * its default gzip engine (fflate: identical bytes on every Node version) and with node:zlib
 * (faster, identical within one Node major version). The shipline figures include the start of
 * a tsx process (TypeScript compiled on the fly), which the bundled CLI does not pay.
 *
 *   npm run bench:package                 # 1 GB, 50,000 files
 *   BENCH_MB=100 BENCH_FILES=5000 npm run bench:package
 */
import { spawn } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  closeSync,
  writeSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeDeb } from '../src/core/artifacts/deb-writer.js'
import { packageDocEntries } from '../src/core/artifacts/package-docs.js'
import type { PackageMetadata } from '../src/core/artifacts/package-metadata.js'
import { stageTree } from '../src/core/artifacts/stage-tree.js'
import { packageVersions } from '../src/core/artifacts/versions.js'

const SDE = 1_700_000_000

/** Deterministic pseudo-random bytes (xorshift), so every run packages the same tree. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
}

/**
 * Writes `files` files totalling about `bytes`, in nested folders: two thirds text-like
 * (compressible, like JavaScript and JSON), one third incompressible (images, binaries).
 */
function generateTree(root: string, bytes: number, files: number): void {
  const next = prng(42)
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_(){};.='
  const words = Array.from({ length: 8192 }, () =>
    Array.from({ length: 2 + (next() % 10) }, () => alphabet[next() % alphabet.length]).join('')
  )
  const average = Math.floor(bytes / files)
  const block = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `d${i % 50}`, `e${Math.floor(i / 50) % 40}`)
    if (i < 2000) mkdirSync(dir, { recursive: true })
    const size = Math.max(1, Math.floor(average * (0.25 + ((next() % 1000) / 1000) * 1.5)))
    const fd = openSync(path.join(dir, `f${i}.${i % 3 === 2 ? 'bin' : 'js'}`), 'w')
    let left = size
    while (left > 0) {
      const n = Math.min(left, block.length)
      if (i % 3 === 2) {
        for (let j = 0; j < n; j += 4) block.writeUInt32LE(next(), j)
      } else {
        let o = 0
        while (o < n) o += block.write(`${words[next() % words.length]} `, o)
      }
      writeSync(fd, block, 0, n)
      left -= n
    }
    closeSync(fd)
  }
}

interface Measure {
  seconds: number
  maxRssMB: number
  bytes: number
}

/** Runs a command, timing it and reading its peak RSS from GNU time's -f %M. */
function measure(argv: string[], output: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv], { stdio: ['ignore', 'inherit', 'pipe'] })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) return reject(new Error(`${argv.join(' ')} failed (${code}): ${err}`))
      let kb = Number(err.trim().split('\n').pop())
      try {
        kb = Number(readFileSync(`${output}.rss`, 'utf8'))
      } catch {
        // not a shipline child: GNU time's figure
      }
      resolve({ seconds, maxRssMB: kb / 1024, bytes: statSync(output).size })
    })
  })
}

/** The child: package `<root>/opt/bench` as a .deb with shipline, as the CLI would. */
async function child(root: string, out: string): Promise<void> {
  const meta: PackageMetadata = {
    name: 'bench',
    versions: packageVersions('1.0.0'),
    architecture: 'all',
    maintainer: 'Bench <bench@example.com>',
    summary: 'benchmark tree',
    description: '',
    license: 'MIT',
    depends: [],
    requires: [],
    section: 'misc',
    priority: 'optional',
    installDir: '/opt/bench',
    conffiles: [],
    scripts: {},
    commit: '0'.repeat(40),
    sourceDateEpoch: SDE,
    location: {}
  }
  const tree = await stageTree({
    sourceDir: path.join(root, 'opt/bench'),
    installDir: '/opt/bench',
    mtime: SDE,
    extra: packageDocEntries(meta, '/opt/bench')
  })
  const engine = process.env.BENCH_ENGINE === 'zlib' ? 'zlib' : 'fflate'
  await writeDeb(tree, meta, out, { gzip: { engine } })
  // The packaging process's own peak, without the shell of GNU time around it.
  writeFileSync(`${out}.rss`, String(process.resourceUsage().maxRSS))
}

async function main(): Promise<void> {
  const totalMB = Number(process.env.BENCH_MB ?? 1024)
  const files = Number(process.env.BENCH_FILES ?? 50_000)
  const work = mkdtempSync(path.join(process.env.BENCH_DIR ?? tmpdir(), 'shipline-bench-'))
  const root = path.join(work, 'root')
  try {
    process.stdout.write(`generating ${totalMB} MB in ${files} files under ${root} ... `)
    let t = performance.now()
    generateTree(path.join(root, 'opt/bench'), totalMB * 1024 * 1024, files)
    mkdirSync(path.join(root, 'DEBIAN'))
    writeFileSync(
      path.join(root, 'DEBIAN/control'),
      'Package: bench\nVersion: 1.0.0\nArchitecture: all\nMaintainer: Bench <bench@example.com>\nDescription: benchmark tree\n'
    )
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`)
    const self = fileURLToPath(import.meta.url)
    const tsx = path.join(path.dirname(self), '..', 'node_modules', '.bin', 'tsx')
    const results: Record<string, Measure> = {}
    const shipOut = path.join(work, 'shipline.deb')
    t = performance.now()
    results['shipline .deb'] = await measure([tsx, self, '--child', root, shipOut], shipOut)
    process.env.BENCH_ENGINE = 'zlib'
    results['shipline .deb, zlib engine'] = await measure([tsx, self, '--child', root, shipOut], shipOut)
    delete process.env.BENCH_ENGINE
    results['dpkg-deb --build -Zgzip'] = await measure(
      ['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', root, path.join(work, 'dpkg.deb')],
      path.join(work, 'dpkg.deb')
    )
    results['tar -czf'] = await measure(
      ['tar', '-czf', path.join(work, 'tree.tar.gz'), '-C', root, 'opt'],
      path.join(work, 'tree.tar.gz')
    )
    const idle = await measure(
      [tsx, self, '--baseline', path.join(work, 'baseline')],
      path.join(work, 'baseline')
    )
    const base = results['dpkg-deb --build -Zgzip'] as Measure
    const floor = results['tar -czf'] as Measure
    console.log(`\n| packager | wall s | vs dpkg-deb | vs tar -czf | peak RSS MB | output MB |`)
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`)
    for (const [name, m] of Object.entries(results)) {
      console.log(
        `| ${name} | ${m.seconds.toFixed(2)} | ${(m.seconds / base.seconds).toFixed(2)}x | ${(m.seconds / floor.seconds).toFixed(2)}x | ${m.maxRssMB.toFixed(0)} | ${(m.bytes / 1048576).toFixed(1)} |`
      )
    }
    console.log(
      `\n(the shipline process with its modules loaded and nothing packaged peaks at ${idle.maxRssMB.toFixed(0)} MB under tsx)`
    )
    const ship = results['shipline .deb'] as Measure
    console.log(
      `\ngoal: shipline <= 1.3x dpkg-deb: ${ship.seconds / base.seconds <= 1.3 ? 'met' : 'NOT met'} (${(ship.seconds / base.seconds).toFixed(2)}x); ` +
        `peak memory < 200 MB: ${ship.maxRssMB < 200 ? 'met' : 'NOT met'} (${ship.maxRssMB.toFixed(0)} MB)`
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--baseline') {
  // The same process with the same modules loaded, packaging nothing: what tsx and node cost alone.
  writeFileSync(process.argv[3] as string, 'baseline\n')
  writeFileSync(`${process.argv[3] as string}.rss`, String(process.resourceUsage().maxRSS))
} else if (process.argv[2] === '--child') {
  await child(process.argv[3] as string, process.argv[4] as string)
} else {
  await main()
}
