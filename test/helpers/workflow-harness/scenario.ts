/**
 * A scenario: the example monorepo in a real git repository, the local store that outlives runs
 * (artifacts by run, the local environment's hosts), and helpers to push and to run a workflow
 * as GitHub would for that push or for a manual dispatch.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { TestRepo } from '../git-repo.js'
import { LocalCacheService } from './cache-service.js'
import type { Value } from './expressions.js'
import type { LocalStore } from './local-equivalents.js'
import { runWorkflow } from './run-workflow.js'
import type { JobRun, StepRun, WorkflowRun } from './run-workflow.js'

export class PipelineScenario {
  readonly repo: TestRepo
  readonly store: LocalStore
  private runs = 0
  private lastPushed: string | undefined
  private cacheService: Promise<LocalCacheService> | undefined

  /** The cache service the actions of every run of this scenario share. */
  cache(): Promise<LocalCacheService> {
    this.cacheService ??= LocalCacheService.start()
    return this.cacheService
  }

  /** Stops what the scenario started: the services the local deploys run, and the cache service. */
  async close(): Promise<void> {
    this.stopServices()
    if (this.cacheService) await (await this.cacheService).close()
  }

  constructor(repo: TestRepo = TestRepo.fromExample()) {
    this.repo = repo
    givePortsOfTheirOwn(repo)
    const root = mkdtempSync(path.join(tmpdir(), 'shipline-scenario-'))
    this.store = {
      artifacts: path.join(root, 'artifacts'),
      machine: path.join(root, 'machine'),
      work: path.join(root, 'work')
    }
  }

  /** Runs a workflow for a push of the current HEAD (before = the previously pushed commit). */
  async push(
    workflow: string,
    options: { vars?: Record<string, string>; directory?: string } = {}
  ): Promise<WorkflowRun> {
    const sha = this.repo.head()
    const before = this.lastPushed ?? '0000000000000000000000000000000000000000'
    this.lastPushed = sha
    // The commits the push brought, oldest first, as GitHub lists them in the payload.
    const range = before.startsWith('0000') ? [sha] : [`${before}..${sha}`]
    const commits = this.repo
      .git('rev-list', '--reverse', ...range)
      .split('\n')
      .filter(Boolean)
      .map((id) => ({ id, distinct: true }))
    return runWorkflow({
      workflow,
      directory: options.directory,
      repository: this.repo.dir,
      sha,
      eventName: 'push',
      event: {
        ref: 'refs/heads/main',
        before,
        after: sha,
        created: before.startsWith('0000'),
        forced: false,
        repository: { full_name: 'example-shop/shop', default_branch: 'main' },
        head_commit: { id: sha },
        commits
      },
      vars: options.vars,
      store: this.store,
      runId: ++this.runs,
      actionEnv: (await this.cache()).env(),
      ...bundles()
    })
  }

  /**
   * What the local environment runs for a service: the state.json of each of its hosts
   * (`.shipline/hosts/local/<host>/<service>/state.json`), by host.
   */
  deployed(
    service: string,
    environment = 'local'
  ): Record<string, { current?: string; digest?: string; since?: string; previous: string[] }> {
    const hostsDir = path.join(this.store.machine, 'hosts', environment)
    if (!existsSync(hostsDir)) return {}
    const out: Record<string, { current?: string; digest?: string; since?: string; previous: string[] }> = {}
    for (const host of readdirSync(hostsDir).sort()) {
      const state = path.join(hostsDir, host, service, 'state.json')
      if (existsSync(state)) out[host] = JSON.parse(readFileSync(state, 'utf8'))
    }
    return out
  }

  /** Stops the services the local deploys started (their pid files), so no test leaves one running. */
  stopServices(): void {
    const hostsDir = path.join(this.store.machine, 'hosts')
    if (!existsSync(hostsDir)) return
    for (const pidFile of findFiles(hostsDir, 'service.pid')) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 1) {
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // already gone
        }
      }
    }
  }

  /** Runs a workflow_dispatch workflow with the given inputs on the current HEAD. */
  async dispatch(
    workflow: string,
    inputs: Record<string, Value>,
    options: { directory?: string } = {}
  ): Promise<WorkflowRun> {
    return runWorkflow({
      workflow,
      directory: options.directory,
      repository: this.repo.dir,
      sha: this.repo.head(),
      eventName: 'workflow_dispatch',
      event: { inputs: inputs as Record<string, Value>, ref: 'refs/heads/main' },
      inputs,
      store: this.store,
      runId: ++this.runs,
      actionEnv: (await this.cache()).env(),
      ...bundles()
    })
  }
}

/**
 * SHIPLINE_HARNESS_DIST runs the bundles from a snapshot of dist/ instead (for developers whose
 * colleagues are rebuilding dist/ meanwhile); unset, the bundles the action.yml files name run.
 */
function bundles(): { bundleDir?: string } {
  const dir = process.env.SHIPLINE_HARNESS_DIST
  return dir ? { bundleDir: path.resolve(dir) } : {}
}

/** Every job run of a workflow run, reusable-workflow calls flattened, as `caller/called` ids. */
export function allJobs(run: WorkflowRun, prefix = ''): Array<{ path: string; job: JobRun }> {
  return Object.values(run.jobs).flatMap((job) => [
    { path: `${prefix}${job.id}`, job },
    ...job.legs.flatMap((leg) =>
      leg.calls ? allJobs(leg.calls, `${prefix}${job.id}[${legName(leg.matrix)}]/`) : []
    )
  ])
}

/** A readable account of a run for failure messages: each job, each step, and the log of failed steps. */
export function describeRun(run: WorkflowRun): string {
  const lines: string[] = [`${run.file} run ${run.runId}: ${run.result}`]
  for (const { path: jobPath, job } of allJobs(run)) {
    lines.push(`  ${jobPath}: ${job.result}`)
    for (const leg of job.legs)
      for (const step of leg.steps) {
        lines.push(`    ${step.conclusion.padEnd(8)} ${step.name} (${step.durationMs ?? 0} ms)`)
        if (step.conclusion === 'failure') lines.push(indent(step.log.slice(-4000), '      | '))
      }
  }
  return lines.join('\n')
}

export function stepOf(job: JobRun, name: string, leg = 0): StepRun | undefined {
  return job.legs[leg]?.steps.find((s) => s.id === name || s.name === name)
}

function legName(matrix: Value): string {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) return ''
  const service = (matrix as Record<string, Value>).service
  return typeof service === 'string' ? service : JSON.stringify(matrix)
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n')
}

/** Fails with the whole account of the run unless it succeeded. */
export function expectSucceeded(run: WorkflowRun): WorkflowRun {
  if (run.result !== 'success') throw new Error(`the run failed:\n${describeRun(run)}`)
  return run
}

/**
 * The local environment really starts the services, on the ports their service.yml names: give
 * each a port nothing else on this machine uses (other tests run in parallel), in the initial commit.
 */
function givePortsOfTheirOwn(repo: TestRepo): void {
  const servicesDir = path.join(repo.dir, 'services')
  if (!existsSync(servicesDir)) return
  for (const service of readdirSync(servicesDir).sort()) {
    const file = path.join('services', service, 'service.yml')
    const text = readFileSync(path.join(repo.dir, file), 'utf8')
    repo.write(
      file,
      text.replace(/^(\s+port:\s*)\d+\s*$/m, (_m, lead: string) => `${lead}${freePort()}`)
    )
  }
  repo.git('commit', '-q', '-a', '--amend', '--no-edit')
}

/** A TCP port the kernel considers free right now (asked of a throwaway child, synchronously). */
function freePort(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim())
}

function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return findFiles(full, name)
    return entry.name === name ? [full] : []
  })
}

/** The per-service pipeline runs of a caller's matrix job, by service. */
export function pipelineRuns(run: WorkflowRun, job = 'pipeline'): Record<string, WorkflowRun> {
  const out: Record<string, WorkflowRun> = {}
  for (const leg of run.jobs[job]?.legs ?? []) {
    const service = (leg.matrix as Record<string, Value> | null)?.service
    if (typeof service === 'string' && leg.calls) out[service] = leg.calls
  }
  return out
}
