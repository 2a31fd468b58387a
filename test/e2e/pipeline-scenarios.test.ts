/**
 * The example pipelines run end to end on the example monorepo, with both stages pointed at the
 * `local` environment (repository variables, as ci-per-service.yml allows): the services really
 * start and answer their health checks on this machine.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import {
  expectSucceeded,
  PipelineScenario,
  pipelineRuns,
  stepOf
} from '../helpers/workflow-harness/scenario.js'
import type { WorkflowRun } from '../helpers/workflow-harness/run-workflow.js'

const localStages = { SHIPLINE_STAGING_ENVIRONMENT: 'local', SHIPLINE_PRODUCTION_ENVIRONMENT: 'local' }

/** Services that depend on `name`, directly or through another service, read from service.yml. */
function dependentsOf(repoDir: string, name: string): string[] {
  const deps = new Map<string, string[]>()
  for (const service of readdirSync(path.join(repoDir, 'services'))) {
    const spec = parse(readFileSync(path.join(repoDir, 'services', service, 'service.yml'), 'utf8'))
    deps.set(spec.name, spec.depends_on ?? [])
  }
  const found = new Set<string>()
  let grew = true
  while (grew) {
    grew = false
    for (const [service, on] of deps)
      if (!found.has(service) && on.some((d) => d === name || found.has(d))) {
        found.add(service)
        grew = true
      }
  }
  return [...found].sort()
}

function currentVersions(scenario: PipelineScenario, services: string[]): Record<string, string[]> {
  return Object.fromEntries(
    services.map((s) => [s, Object.values(scenario.deployed(s)).map((h) => `${h.current}@${h.since}`)])
  )
}

function builtVersion(pipeline: WorkflowRun): string {
  return pipeline.jobs.build?.outputs.version ?? ''
}

describe('ci-per-service.yml, deploy-manual.yml and rollback.yml on the example monorepo', () => {
  const scenario = new PipelineScenario()
  const all = ['catalog', 'orders', 'web']
  const firstVersions: Record<string, string> = {}
  let firstRunId = 0
  afterAll(() => scenario.close())

  it('the first push builds, tests and deploys every service to the local environment', async () => {
    const run = expectSucceeded(await scenario.push('ci-per-service.yml', { vars: localStages }))
    firstRunId = run.runId
    const pipelines = pipelineRuns(run)
    expect(Object.keys(pipelines).sort()).toEqual(all)
    for (const service of all) {
      const pipeline = pipelines[service]!
      const version = builtVersion(pipeline)
      firstVersions[service] = version
      expect(version).not.toBe('')
      expect(pipeline.jobs.test?.result).toBe('success')
      expect(pipeline.jobs['deploy-staging']?.outputs.result).toBe('success')
      // Production got the very artifact staging runs.
      expect(pipeline.jobs.promote?.outputs.digest).toBe(pipeline.jobs['deploy-staging']?.outputs.digest)
      const hosts = Object.values(scenario.deployed(service))
      expect(hosts.length).toBeGreaterThan(0)
      for (const host of hosts) expect(host.current).toBe(version)
    }
  })

  it('a push that changes only orders rebuilds and redeploys orders alone', async () => {
    const before = currentVersions(scenario, all)
    const server = 'services/orders/src/server.mjs'
    scenario.repo
      .write(server, `${readFileSync(path.join(scenario.repo.dir, server), 'utf8')}// faster\n`)
      .commit('orders: tweak')
    const run = expectSucceeded(await scenario.push('ci-per-service.yml', { vars: localStages }))
    const pipelines = pipelineRuns(run)
    expect(Object.keys(pipelines)).toEqual(['orders'])
    const version = builtVersion(pipelines.orders!)
    expect(version).not.toBe(firstVersions.orders)
    for (const host of Object.values(scenario.deployed('orders'))) expect(host.current).toBe(version)
    const after = currentVersions(scenario, all)
    expect({ catalog: after.catalog, web: after.web }).toEqual({ catalog: before.catalog, web: before.web })
  })

  it('a change to the shared library redeploys exactly the services that depend on it', async () => {
    const dependents = dependentsOf(scenario.repo.dir, 'common')
    const before = currentVersions(scenario, all)
    scenario.repo
      .write(
        'libs/common/http.mjs',
        `${readFileSync(path.join(scenario.repo.dir, 'libs/common/http.mjs'), 'utf8')}// shared\n`
      )
      .commit('common: tweak')
    const run = expectSucceeded(await scenario.push('ci-per-service.yml', { vars: localStages }))
    expect(Object.keys(pipelineRuns(run)).sort()).toEqual(dependents)
    const after = currentVersions(scenario, all)
    for (const service of all) {
      if (dependents.includes(service)) expect(after[service]).not.toEqual(before[service])
      else expect(after[service]).toEqual(before[service])
    }
  })

  it('a manual deploy puts an older version back, from the run that built it', async () => {
    const run = expectSucceeded(
      await scenario.dispatch('deploy-manual.yml', {
        service: 'orders',
        environment: 'local',
        version: firstVersions.orders!,
        'build-run-id': String(firstRunId)
      })
    )
    expect(run.jobs.deploy?.outputs.result).toBe('success')
    for (const host of Object.values(scenario.deployed('orders')))
      expect(host.current).toBe(firstVersions.orders)
  })

  it('a rollback returns the service to the release before the current one', async () => {
    const [host] = Object.values(scenario.deployed('orders'))
    const previous = host?.previous[0]
    expect(previous).toBeDefined()
    expect(previous).not.toBe(firstVersions.orders)
    const run = expectSucceeded(
      await scenario.dispatch('rollback.yml', { service: 'orders', environment: 'local' })
    )
    expect(stepOf(run.jobs.rollback!, 'rollback')?.conclusion).toBe('success')
    for (const h of Object.values(scenario.deployed('orders'))) expect(h.current).toBe(previous)
  })

  it('a manual deploy refuses a version that is not a version before asking anyone to approve it', async () => {
    const run = await scenario.dispatch('deploy-manual.yml', {
      service: 'orders',
      environment: 'local',
      version: '1.0; rm -rf /',
      'build-run-id': String(firstRunId)
    })
    expect(run.jobs.check?.result).toBe('failure')
    expect(run.jobs.deploy?.result).toBe('skipped')
  })
})

describe('ci-single-build.yml (one build for everything), for contrast', () => {
  const scenario = new PipelineScenario()
  afterAll(() => scenario.close())

  it('rebuilds only what changed: the other services are cache hits and their deploys change nothing', async () => {
    const first = expectSucceeded(await scenario.push('ci-single-build.yml', { vars: localStages }))
    for (const service of ['catalog', 'orders', 'web'])
      expect(stepOf(first.jobs.deploy!, service)?.outputs.result).toBe('success')

    const server = 'services/orders/src/server.mjs'
    scenario.repo
      .write(server, `${readFileSync(path.join(scenario.repo.dir, server), 'utf8')}// again\n`)
      .commit('orders')
    const second = expectSucceeded(await scenario.push('ci-single-build.yml', { vars: localStages }))
    const build = second.jobs.build!
    const deploy = second.jobs.deploy!
    expect(stepOf(build, 'orders')?.outputs['cache-hit']).toBe('false')
    expect(stepOf(deploy, 'orders')?.outputs.result).toBe('success')
    for (const untouched of ['catalog', 'web']) {
      expect(stepOf(build, untouched)?.outputs['cache-hit']).toBe('true')
      expect(stepOf(deploy, untouched)?.outputs.result).toBe('no-op')
    }
  })
})
