/**
 * Change-detection benchmark: a generated monorepo of 2,000 services (200 of them nested inside
 * others, each with an extra `proto/<name>/**` glob, 50 shared libraries with dependency chains)
 * and two commits 200,000 changed paths apart. Everything is measured in this one run:
 *
 *   1. peak memory of the whole detect (the node process; the git child is separate)
 *   2. whole detect (git diff-tree included) vs `git diff --name-only` alone on the same commits
 *   3. ownership matching (our index) vs the path-filter baseline: every path tested against every
 *      service's globs with precompiled picomatch matchers (what common path-filter actions do)
 *
 * Run: npm run bench:detect   (BENCH_SERVICES / BENCH_PATHS scale it down for a quick look)
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import picomatch from 'picomatch'
import { detectChanges } from '../src/core/changes/detect-changes.js'
import { buildOwnerGraph } from '../src/core/changes/owner-graph.js'
import { loadManifest } from '../src/core/manifest/load-manifest.js'
import { NodeExec } from '../src/platform/exec.js'
import { Git } from '../src/platform/git.js'
import { silentLogger } from '../src/platform/logger.js'

const SERVICES = Number(process.env.BENCH_SERVICES ?? 2000)
const PATHS = Number(process.env.BENCH_PATHS ?? 200_000)
const NESTED_EVERY = 10
const LIBS = 50
const RUNS = 3
/** Paths the picomatch baseline is timed on (it costs milliseconds per path with 2,000 services). */
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 2000)

interface Layout {
  services: { name: string; path: string; deps: string[] }[]
  libs: { name: string; path: string; deps: string[] }[]
  paths: string[]
}

function layout(): Layout {
  const services: Layout['services'] = []
  const libs: Layout['libs'] = []
  for (let l = 0; l < LIBS; l++)
    libs.push({ name: `lib-${l}`, path: `libs/lib-${l}`, deps: l > 0 ? [`lib-${Math.floor(l / 2)}`] : [] })
  const tops = SERVICES - Math.floor(SERVICES / NESTED_EVERY)
  for (let i = 0; i < tops; i++) {
    const group = `g${String(i % 40).padStart(2, '0')}`
    services.push({ name: `svc-${i}`, path: `services/${group}/svc-${i}`, deps: [`lib-${i % LIBS}`] })
  }
  for (let i = 0; services.length < SERVICES; i += NESTED_EVERY) {
    const parent = services[i] as Layout['services'][number]
    services.push({ name: `${parent.name}-worker`, path: `${parent.path}/worker`, deps: [parent.name] })
  }
  const paths: string[] = []
  for (let i = 0; i < PATHS; i++) {
    const s = services[(i * 7919) % services.length] as Layout['services'][number]
    const kind = i % 100
    if (kind < 85) paths.push(`${s.path}/src/mod-${i % 13}/file-${i}.ts`)
    else if (kind < 93) paths.push(`proto/${s.name}/v1/file-${i}.proto`)
    else if (kind < 98) paths.push(`libs/lib-${i % LIBS}/src/file-${i}.ts`)
    else paths.push(`docs/area-${i % 17}/page-${i}.md`)
  }
  paths.sort()
  return { services, libs, paths }
}

function run(argv: string[], cwd: string, input?: (write: (s: string) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, stdio: ['pipe', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}`))
    )
    if (input) input((s) => child.stdin.write(s))
    child.stdin.end()
  })
}

/** Two commits over the same 200,000 paths with different contents, written with git fast-import. */
async function generate(dir: string, data: Layout): Promise<void> {
  await run(['git', 'init', '-q', '-b', 'main'], dir)
  await run(['git', 'fast-import', '--quiet'], dir, (write) => {
    write('blob\nmark :1\ndata 2\na\n\nblob\nmark :2\ndata 2\nb\n\n')
    for (const [mark, blob] of [
      [3, 1],
      [4, 2]
    ] as const) {
      write(
        `commit refs/heads/main\nmark :${mark}\ncommitter bench <b@example.com> 1700000000 +0000\ndata 2\nc\n`
      )
      if (mark === 4) write('from :3\n')
      for (const p of data.paths) write(`M 100644 :${blob} ${p}\n`)
      write('\n')
    }
  })
  await run(['git', 'tag', 'before', 'main~1'], dir)
  writeFileSync(
    path.join(dir, 'shipline.yml'),
    [
      'version: 1',
      'discover:',
      '  - services/*/*',
      '  - services/*/*/worker',
      'shared:',
      ...data.libs.flatMap((l) => [
        `  ${l.name}:`,
        `    path: ${l.path}`,
        `    depends_on: [${l.deps.join(', ')}]`
      ]),
      ''
    ].join('\n')
  )
  for (const s of data.services) {
    mkdirSync(path.join(dir, s.path), { recursive: true })
    writeFileSync(
      path.join(dir, s.path, 'service.yml'),
      `name: ${s.name}\npaths: [${s.path}/**, proto/${s.name}/**]\ndepends_on: [${s.deps.join(', ')}]\n`
    )
  }
}

async function gitDiffNameOnly(dir: string): Promise<number> {
  const start = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['diff', '--name-only', 'before', 'main'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    child.stdout.on('data', () => undefined)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git diff exited ${code}`))))
  })
  return performance.now() - start
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`

function detectIn(dir: string, manifest = loadManifest(dir)) {
  return detectChanges({
    manifest,
    git: new Git(new NodeExec(), dir),
    logger: silentLogger,
    request: { event: { name: '', payload: {} }, base: 'before', head: 'main', tagPattern: 'v*' },
    maxFetchDepth: 0,
    unowned: 'ignore'
  })
}

/**
 * Child mode: one cold detect in a fresh process (manifest load included), so its peak memory is
 * the detect's own and not the generator's or the baseline's.
 */
async function measureChild(dir: string): Promise<void> {
  let t = performance.now()
  const manifest = loadManifest(dir)
  const loadMs = performance.now() - t
  t = performance.now()
  const { changes } = await detectIn(dir, manifest)
  const detectMs = performance.now() - t
  const maxRssMb = process.resourceUsage().maxRSS / 1024
  console.log(
    JSON.stringify({
      loadMs,
      detectMs,
      maxRssMb,
      services: changes.services.length,
      paths: changes.changedFiles
    })
  )
}

function runChild(
  dir: string
): Promise<{ loadMs: number; detectMs: number; maxRssMb: number; services: number; paths: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, '--measure', dir],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measuring child exited ${code}`))
      resolve(JSON.parse(out.trim().split('\n').at(-1) as string))
    })
  })
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipline-bench-detect-'))
  try {
    const data = layout()
    let t = performance.now()
    await generate(dir, data)
    console.log(
      `generated ${data.services.length} services, ${LIBS} shared folders, ${data.paths.length} changed paths in ${fmt(performance.now() - t)}`
    )

    t = performance.now()
    const manifest = loadManifest(dir)
    const loadMs = performance.now() - t
    const detect = () => detectIn(dir, manifest)
    const child = await runChild(dir)
    if (child.paths !== data.paths.length) throw new Error(`the measuring child saw ${child.paths} paths`)

    // 1 + 2: whole detect vs git diff --name-only. The first detect is reported on its own (a
    // real run is cold); then both alternate, median of RUNS each.
    let t0 = performance.now()
    const first = await detect()
    const coldMs = performance.now() - t0
    if (first.changes.changedFiles !== data.paths.length)
      throw new Error(`detect saw ${first.changes.changedFiles} paths`)
    const detectTimes: number[] = []
    const diffTimes: number[] = []
    for (let i = 0; i < RUNS; i++) {
      diffTimes.push(await gitDiffNameOnly(dir))
      t0 = performance.now()
      await detect()
      detectTimes.push(performance.now() - t0)
    }

    // 3: ownership matching alone. The index runs on every path; the baseline (every path against
    // every service's globs) costs milliseconds per path at this size, so it runs on an evenly
    // spaced sample, and the index is timed on the same sample too.
    const graph = buildOwnerGraph(manifest, silentLogger)
    const step = Math.max(1, Math.floor(data.paths.length / SAMPLE))
    const sample = data.paths.filter((_, i) => i % step === 0)
    const indexOwned = (paths: string[]) => {
      let owned = 0
      for (const p of paths) if (graph.index.owners(p, () => undefined)) owned++
      return owned
    }
    const time = (fn: () => void) => {
      const start = performance.now()
      fn()
      return performance.now() - start
    }
    indexOwned(data.paths)
    const oursFullMs = median(Array.from({ length: RUNS }, () => time(() => indexOwned(data.paths))))
    const oursSampleMs = median(Array.from({ length: RUNS }, () => time(() => indexOwned(sample))))
    const matchers = manifest.services.map((s) => s.paths.map((g) => picomatch(g, { dot: true })))
    let baselineOwned = 0
    const baselineMs = time(() => {
      for (const p of sample) {
        let any = false
        for (const list of matchers) if (list.some((m) => m(p))) any = true
        if (any) baselineOwned++
      }
    })
    const sampleOwned = indexOwned(sample)
    if (baselineOwned > sampleOwned)
      throw new Error(`baseline owned ${baselineOwned} paths, the index ${sampleOwned}`)

    const detectMs = median(detectTimes)
    const diffMs = median(diffTimes)
    const perPath = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(2)} us/path`
    console.log('')
    console.log(
      `load avg at end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} cores`
    )
    console.log(
      `manifest load (${data.services.length} service.yml files): ${fmt(loadMs)} (not part of detect below)`
    )
    console.log(
      `whole detect, git diff-tree included, first (cold) run: ${fmt(coldMs)} -> ${first.changes.services.length} services selected`
    )
    console.log(`whole detect, median of ${RUNS} warm runs: ${fmt(detectMs)}`)
    console.log(`git diff --name-only alone, median of ${RUNS}: ${fmt(diffMs)}`)
    console.log(
      `  ratio detect / git diff: ${(detectMs / diffMs).toFixed(2)}x warm, ${(coldMs / diffMs).toFixed(2)}x cold (target: within 2x)`
    )
    console.log(
      `ownership index, all ${data.paths.length} paths: ${fmt(oursFullMs)} (${perPath(oursFullMs, data.paths.length)})`
    )
    console.log(
      `ownership on a ${sample.length}-path sample: index ${oursSampleMs.toFixed(1)} ms, picomatch every path x every glob ${fmt(baselineMs)} (${perPath(baselineMs, sample.length)})`
    )
    console.log(
      `  speed-up: ${(baselineMs / oursSampleMs).toFixed(0)}x on the sample; ${(baselineMs / sample.length / (oursFullMs / data.paths.length)).toFixed(0)}x per path against the full run (target: at least 20x)`
    )
    console.log(
      `  baseline extrapolated to all paths: ${fmt((baselineMs / sample.length) * data.paths.length)}`
    )
    console.log(`separate process, cold: manifest load ${fmt(child.loadMs)} + detect ${fmt(child.detectMs)}`)
    console.log(
      `peak memory of that process (max RSS; manifest load + detect; git runs as its own process): ${child.maxRssMb.toFixed(0)} MB (target: under 300 MB)`
    )
  } finally {
    if (process.env.BENCH_KEEP) console.log(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--measure') await measureChild(process.argv[3] as string)
else await main()
