/**
 * Packaging benchmark (`npm run bench:package`): a generated tree of 1 GB in 50,000 files,
 * packaged as a .deb by `shipline build` and by `dpkg-deb --build -Zgzip`, and as a tarball by
 * `tar -czf` (the floor), in the same run on the same machine.
 *
 * shipline runs as a user runs it: the bundled command line (`bin/shipline.js`, rebuilt by the
 * npm script first) building a one-service repository whose build output is the tree, with the
 * cache off, so every figure includes starting node, loading the manifest, staging the tree and
 * writing the package. Each packager is its own process; its wall time and peak memory (max RSS,
 * from GNU time) are reported. dpkg-deb reads the same files (hard links), so both read the same
 * page cache.
 *
 *   npm run bench:package                 # 1 GB, 50,000 files
 *   BENCH_MB=100 BENCH_FILES=5000 npm run bench:package
 *   BENCH_RUNS=3 npm run bench:package    # best of three per packager
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SDE = '1700000000'
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

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

/**
 * A git repository with one service, `bench`, whose build command does nothing and whose build
 * output (`dist/`, ignored by git like any build output) is the generated tree.
 */
function benchRepository(dir: string): string {
  const service = path.join(dir, 'services/bench')
  mkdirSync(service, { recursive: true })
  writeFileSync(path.join(dir, 'shipline.yml'), 'version: 1\ndiscover:\n  - services/*\n')
  writeFileSync(path.join(dir, '.gitignore'), 'dist/\n.shipline/\n')
  writeFileSync(
    path.join(service, 'service.yml'),
    [
      'name: bench',
      'description: benchmark tree',
      'version: 1.0.0',
      'maintainer: Bench <bench@example.com>',
      'license: MIT',
      'build:',
      "  command: ['true']",
      '  output: dist',
      'artifacts:',
      '  formats: [deb]',
      ''
    ].join('\n')
  )
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' })
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=Bench', 'commit', '-q', '-m', 'bench service')
  return path.join(service, 'dist')
}

interface Measure {
  seconds: number
  maxRssMB: number
  bytes: number
}

/** Runs a command, timing it and reading its peak RSS from GNU time's -f %M (in KB). */
function measure(argv: string[], output: () => string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SOURCE_DATE_EPOCH: SDE }
    })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) return reject(new Error(`${argv.join(' ')} failed (${code}): ${err}`))
      const kb = Number(err.trim().split('\n').pop())
      resolve({ seconds, maxRssMB: kb / 1024, bytes: statSync(output()).size })
    })
  })
}

async function best(runs: number, argv: string[], output: () => string): Promise<Measure> {
  let fastest: Measure | undefined
  for (let run = 0; run < runs; run++) {
    const m = await measure(argv, output)
    if (!fastest || m.seconds < fastest.seconds) fastest = m
  }
  return fastest as Measure
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/time')) {
    throw new Error('the packaging benchmark reads peak memory from GNU time: apt-get install time')
  }
  const totalMB = Number(process.env.BENCH_MB ?? 1024)
  const files = Number(process.env.BENCH_FILES ?? 50_000)
  const runs = Number(process.env.BENCH_RUNS ?? 1)
  const work = mkdtempSync(path.join(process.env.BENCH_DIR ?? tmpdir(), 'shipline-bench-'))
  try {
    const repo = path.join(work, 'repo')
    const tree = benchRepository(repo)
    process.stdout.write(`generating ${totalMB} MB in ${files} files under ${tree} ... `)
    let t = performance.now()
    generateTree(tree, totalMB * 1024 * 1024, files)
    // dpkg-deb's root: DEBIAN/control plus the same files, hard-linked under opt/bench.
    const root = path.join(work, 'root')
    mkdirSync(path.join(root, 'DEBIAN'), { recursive: true })
    writeFileSync(
      path.join(root, 'DEBIAN/control'),
      'Package: bench\nVersion: 1.0.0\nArchitecture: all\nMaintainer: Bench <bench@example.com>\nDescription: benchmark tree\n'
    )
    mkdirSync(path.join(root, 'opt'))
    execFileSync('cp', ['-al', tree, path.join(root, 'opt/bench')])
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`)

    const out = path.join(work, 'out')
    const shiplineDeb = () => path.join(out, 'bench/1.0.0/bench_1.0.0_all.deb')
    const results: Record<string, Measure> = {}
    t = performance.now()
    results['shipline build (.deb)'] = await best(
      runs,
      [
        process.execPath,
        path.join(projectRoot, 'bin/shipline.js'),
        'build',
        'artifact=bench',
        'version=1.0.0',
        'format=deb',
        '--no-cache',
        `out=${out}`,
        `--repo=${repo}`
      ],
      shiplineDeb
    )
    results['dpkg-deb --build -Zgzip'] = await best(
      runs,
      ['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', root, path.join(work, 'dpkg.deb')],
      () => path.join(work, 'dpkg.deb')
    )
    results['tar -czf'] = await best(
      runs,
      ['tar', '-czf', path.join(work, 'tree.tar.gz'), '-C', root, 'opt'],
      () => path.join(work, 'tree.tar.gz')
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
    const ship = results['shipline build (.deb)'] as Measure
    const ratio = ship.seconds / base.seconds
    console.log(
      `\ngoal: shipline <= 1.3x dpkg-deb: ${ratio <= 1.3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x); ` +
        `peak memory < 200 MB: ${ship.maxRssMB < 200 ? 'met' : 'NOT met'} (${ship.maxRssMB.toFixed(0)} MB)`
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
