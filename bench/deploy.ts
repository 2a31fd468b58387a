/**
 * Deploy benchmark: a rolling deploy of the example-style service to 12 local hosts with
 * max-parallel 4, against the same deploy to 1 host, in the same run on the same machine. Each
 * measurement is a fresh deploy (install, switch, start, health check) followed by a stop; the
 * median of RUNS is reported. Goal: 12 hosts take at most 3.5 times one host (three batches of
 * four, so anything near 3 means a batch costs about what one host costs).
 *
 * Run: npm run bench:deploy   (BENCH_RUNS to change the repetitions)
 */
import { cpus, loadavg } from 'node:os'
import { deployService, stopService, type DeployServices } from '../src/core/deploy/entry.js'
import { NodeExec } from '../src/platform/exec.js'
import { silentLogger } from '../src/platform/logger.js'
import { createDeployFixture } from '../test/helpers/deploy-fixture.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)

async function measure(hosts: number, maxParallel: number): Promise<number[]> {
  const fixture = createDeployFixture({ localHosts: hosts, maxParallel })
  const services: DeployServices = {
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    exec: new NodeExec(),
    logger: silentLogger,
    env: {}
  }
  const times: number[] = []
  try {
    for (let run = 0; run < RUNS; run++) {
      fixture.build('catalog', `v${run}`)
      const started = process.hrtime.bigint()
      const outcome = await deployService(
        { service: 'catalog', environment: 'local', version: `v${run}`, dryRun: false, actor: 'bench' },
        services
      )
      times.push(Number(process.hrtime.bigint() - started) / 1e6)
      if (outcome.deployment?.result !== 'success')
        throw new Error(`deploy failed: ${outcome.deployment?.message}`)
      await stopService({ service: 'catalog', environment: 'local', actor: 'bench' }, services)
    }
  } finally {
    await stopService({ service: 'catalog', environment: 'local', actor: 'bench' }, services).catch(
      () => undefined
    )
    fixture.cleanup()
  }
  return times
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const one = await measure(1, 1)
const twelve = await measure(12, 4)
const ratio = median(twelve) / median(one)
const fmt = (ms: number[]) => ms.map((m) => `${Math.round(m)} ms`).join(', ')
process.stdout.write(
  [
    `machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
    `1 host:                      median ${Math.round(median(one))} ms (${fmt(one)})`,
    `12 hosts, max-parallel 4:    median ${Math.round(median(twelve))} ms (${fmt(twelve)})`,
    `ratio 12 hosts / 1 host:     ${ratio.toFixed(2)} (goal <= 3.5: ${ratio <= 3.5 ? 'met' : 'NOT met'})`,
    ''
  ].join('\n')
)
