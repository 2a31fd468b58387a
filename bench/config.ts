/**
 * Config-resolution benchmark: a monorepo whose four config layers are each near the 1 MB YAML
 * limit, measured in this one run against a baseline:
 *
 *   baseline  parse the same four files with `yaml` and deep-merge them (no provenance, no checks)
 *   resolve   resolveConfig: the same parse, key checks, provenance (file:line of every value),
 *             secret scan, hash, then render as dotenv
 *
 * Two shapes: nested (sections of 50 keys, like real configs) and flat (one map of every key, the
 * worst case for locating lines). Printed: median times, the ratio resolve / baseline, peak RSS.
 *
 * Run: npm run bench:config   (BENCH_KEYS scales the number of keys per layer)
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { resolveConfig } from '../src/core/config/resolve-config.js'
import { loadManifest } from '../src/core/manifest/load-manifest.js'
import { silentLogger } from '../src/platform/logger.js'

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000)
const RUNS = 3
const LAYERS = ['config/defaults.yml', 'config/prod.yml', 'svc/config/defaults.yml', 'svc/config/prod.yml']

function layerText(layer: number, shape: 'nested' | 'flat'): string {
  const lines: string[] = []
  let section = -1
  // Each layer overrides every third key of the one below, so merging does real work.
  for (let i = 0; i < KEYS; i++) {
    if (layer > 0 && i % 3 !== layer % 3) continue
    const value = i % 7 === 0 ? `secret:SECRET_${i % 20}` : `value-${layer}-${i}`
    if (shape === 'flat') lines.push(`key_${i}: ${value}`)
    else {
      if (Math.floor(i / 50) !== section) lines.push(`section_${(section = Math.floor(i / 50))}:`)
      lines.push(`  key_${i}: ${value}`)
    }
  }
  return `${lines.join('\n')}\n`
}

function repo(shape: 'nested' | 'flat'): string {
  const root = mkdtempSync(path.join(tmpdir(), `shipline-bench-config-${shape}-`))
  mkdirSync(path.join(root, 'config'))
  mkdirSync(path.join(root, 'svc', 'config'), { recursive: true })
  writeFileSync(
    path.join(root, 'shipline.yml'),
    'version: 1\nservices:\n  svc:\n    path: svc\nenvironments:\n  - name: prod\n'
  )
  LAYERS.forEach((file, i) => writeFileSync(path.join(root, file), layerText(i, shape)))
  return root
}

function naiveMerge(target: Record<string, unknown>, layer: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(layer)) {
    const t = target[k]
    if (v && typeof v === 'object' && !Array.isArray(v) && t && typeof t === 'object' && !Array.isArray(t))
      naiveMerge(t as Record<string, unknown>, v as Record<string, unknown>)
    else target[k] = v
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

for (const shape of ['nested', 'flat'] as const) {
  const root = repo(shape)
  const manifest = loadManifest(root)
  const bytes = LAYERS.map((f) => readFileSync(path.join(root, f)).length)
  const env = Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`SECRET_${i}`, `value-of-secret-${i}`])
  )
  const baseline: number[] = []
  const resolved: number[] = []
  let leaves = 0
  for (let run = 0; run < RUNS; run++) {
    baseline.push(
      time(() => {
        const merged: Record<string, unknown> = {}
        for (const f of LAYERS) naiveMerge(merged, parse(readFileSync(path.join(root, f), 'utf8')) ?? {})
      })
    )
    resolved.push(
      time(() => {
        const config = resolveConfig({
          manifest,
          service: 'svc',
          environment: 'PROD',
          env,
          logger: silentLogger,
          secrets: 'resolve'
        })
        config.render('dotenv')
        leaves = Object.keys(config.sources).length
      })
    )
  }
  const b = median(baseline)
  const r = median(resolved)
  console.log(
    `${shape.padEnd(6)} ${leaves} values from 4 layers (${(bytes.reduce((a, n) => a + n, 0) / 1024 / 1024).toFixed(1)} MB): ` +
      `baseline ${b.toFixed(0)} ms, resolve ${r.toFixed(0)} ms, ratio ${(r / b).toFixed(2)}x`
  )
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
