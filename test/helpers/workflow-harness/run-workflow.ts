/**
 * Runs an example workflow here the way the GitHub runner would: the workflow parser reads it (any
 * error stops the run), expressions are evaluated with @actions/expressions, jobs run in `needs`
 * order with their `if:` conditions, matrices (fromJSON included) and outputs, reusable workflows
 * are called with their inputs, our actions run from their bundles (dist/<name>/index.js) through
 * runActionBundle, run: steps run with bash, and the third-party actions are replaced by their
 * local equivalents (local-equivalents.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { parseFileCommand, runActionBundle } from '../action-runner.js'
import { resolveAction } from '../workflow-checks/action-metadata.js'
import { parseWithGitHubParser } from '../workflow-checks/github-tools.js'
import { examplesDir } from '../workflow-checks/workflow-document.js'
import { asText, evaluateCondition } from './expressions.js'
import type { Contexts, Value } from './expressions.js'
import { localEquivalent } from './local-equivalents.js'
import type { LocalStore } from './local-equivalents.js'
import {
  child,
  conditionText,
  HarnessError,
  literal,
  mappingEntries,
  resolveToken
} from './template-values.js'

export { HarnessError }

export type Conclusion = 'success' | 'failure' | 'skipped'

export interface StepRun {
  id?: string
  name: string
  conclusion: Conclusion
  outputs: Record<string, string>
  log: string
  /** Wall time of the step, for the account of a run (never asserted). */
  durationMs?: number
}

export interface JobRun {
  id: string
  result: Conclusion
  outputs: Record<string, string>
  /** One entry per matrix leg (a single entry without a matrix). */
  legs: Array<{ matrix: Value; environment?: string; steps: StepRun[]; calls?: WorkflowRun }>
}

export interface WorkflowRun {
  file: string
  runId: number
  result: Conclusion
  jobs: Record<string, JobRun>
  outputs: Record<string, string>
}

export interface RunRequest {
  /** File name in `directory`. */
  workflow: string
  /** Where the workflow lives. Default: workflows-examples/. */
  directory?: string
  /** The repository the run checks out (its folder). */
  repository: string
  sha: string
  eventName: 'push' | 'workflow_dispatch' | 'pull_request'
  event?: Record<string, Value>
  inputs?: Record<string, Value>
  vars?: Record<string, string>
  /** Secrets, given only to jobs bound to an environment. */
  secrets?: Record<string, string>
  store: LocalStore
  runId: number
  /** Where the bundles are (default: dist/ through each action.yml). */
  bundleDir?: string
  /** Extra environment for our actions' steps (e.g. the local cache service's variables). */
  actionEnv?: Record<string, string>
}

const runnerFixed = { os: 'Linux', arch: 'X64', name: 'shipline-harness' }

export async function runWorkflow(request: RunRequest): Promise<WorkflowRun> {
  return runFile(request.workflow, request, request.inputs ?? {}, 'dispatch')
}

async function runFile(
  file: string,
  request: RunRequest,
  givenInputs: Record<string, Value>,
  mode: 'dispatch' | 'call'
): Promise<WorkflowRun> {
  const source = readFileSync(path.join(request.directory ?? examplesDir, file), 'utf8')
  const parsed = await parseWithGitHubParser(file, source)
  if (parsed.errors.length > 0) throw new HarnessError(`${file}: ${parsed.errors.join('; ')}`)
  const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser')
  const root = parseWorkflow({ name: file, content: source }, new NoOperationTraceWriter())
    .value as TemplateToken

  preflight(file, root)
  const inputs = applyInputDefinitions(
    file,
    child(child(root, 'on'), mode === 'call' ? 'workflow_call' : 'workflow_dispatch'),
    givenInputs,
    mode === 'call' || request.eventName === 'workflow_dispatch'
  )
  const github = githubContext(request, file)
  const jobs: Record<string, JobRun> = {}
  const jobTokens = mappingEntries(child(root, 'jobs'))
  const pending = new Map(jobTokens)
  while (pending.size > 0) {
    const ready = [...pending].find(([, token]) => needsOf(token).every((n) => jobs[n]))
    if (!ready)
      throw new HarnessError(`${file}: jobs ${[...pending.keys()].join(', ')} wait on jobs that never run`)
    const [id, token] = ready
    pending.delete(id)
    for (const n of needsOf(token))
      if (!jobTokens.some(([j]) => j === n))
        throw new HarnessError(`${file}: job ${id} needs unknown job ${n}`)
    jobs[id] = await runJob(file, id, token, { request, inputs, github, jobs })
  }

  const result: Conclusion = Object.values(jobs).some((j) => j.result === 'failure') ? 'failure' : 'success'
  const outputs: Record<string, string> = {}
  const jobsContext: Contexts = Object.fromEntries(
    Object.entries(jobs).map(([id, j]) => [id, { result: j.result, outputs: j.outputs }])
  )
  for (const [name, def] of mappingEntries(child(child(child(root, 'on'), 'workflow_call'), 'outputs')))
    outputs[name] = asText(
      resolveToken(child(def, 'value'), { jobs: jobsContext, inputs, github }, { success: true })
    )
  return { file, runId: request.runId, result, jobs, outputs }
}

/**
 * Checks every step before anything runs, whatever the conditions would skip: the action is ours
 * or a pinned one we know, its with: names only inputs it has and every required one, run: holds
 * no expression, and a deploy step sits in a job bound to an environment.
 */
function preflight(file: string, root: TemplateToken): void {
  for (const [jobId, job] of mappingEntries(child(root, 'jobs'))) {
    const stepsToken = child(job, 'steps')
    if (!stepsToken) continue
    for (const [index, step] of [...(stepsToken as unknown as Iterable<TemplateToken>)].entries()) {
      const where = `${file} job ${jobId} step "${literal(child(step, 'name')) ?? index + 1}"`
      const run = child(step, 'run')
      if (run !== undefined && literal(run) === undefined)
        throw new HarnessError(`${where}: \${{ }} inside run: - pass values through env:`)
      const uses = literal(child(step, 'uses'))
      if (uses === undefined) continue
      const action = resolveAction(uses)
      if (!action)
        throw new HarnessError(`${where}: ${uses} is not one of our actions nor a pinned action we know`)
      const given = mappingEntries(child(step, 'with')).map(([key]) => key)
      for (const key of given)
        if (!(key in action.spec.inputs))
          throw new HarnessError(`${where}: ${action.name} has no input ${key}`)
      for (const [key, spec] of Object.entries(action.spec.inputs))
        if (spec.required && !spec.default && !given.includes(key))
          throw new HarnessError(`${where}: required input ${key} of ${action.name} is missing`)
      if (action.kind === 'shipline' && action.name === 'deploy' && child(job, 'environment') === undefined)
        throw new HarnessError(`${where}: a deploy step in a job bound to no environment`)
    }
  }
}

interface Scope {
  request: RunRequest
  inputs: Record<string, Value>
  github: Contexts
  jobs: Record<string, JobRun>
}

async function runJob(file: string, id: string, token: TemplateToken, scope: Scope): Promise<JobRun> {
  const needs: Contexts = {}
  for (const n of needsOf(token))
    needs[n] = { result: scope.jobs[n]!.result, outputs: scope.jobs[n]!.outputs }
  const base: Contexts = { github: scope.github, inputs: scope.inputs, vars: scope.request.vars ?? {}, needs }
  const guard = outputGuard(`${file} job ${id}`, needs, {})
  const needsOk = needsOf(token).every((n) => scope.jobs[n]!.result === 'success')
  const condition = conditionText(child(token, 'if'))
  if (condition) guard(condition)
  if (!evaluateCondition(condition, base, { success: needsOk }))
    return { id, result: 'skipped', outputs: {}, legs: [] }

  const strategy = resolveToken(child(token, 'strategy'), base, { success: true }, guard) as {
    matrix?: Value
  } | null
  const legs: JobRun['legs'] = []
  let outputs: Record<string, string> = {}
  let failed = false
  for (const matrix of expandMatrix(strategy?.matrix ?? null)) {
    const contexts: Contexts = {
      ...base,
      matrix: matrix ?? {},
      strategy: { 'fail-fast': false, 'job-index': legs.length }
    }
    const calledWorkflow = literal(child(token, 'uses'))
    if (calledWorkflow !== undefined) {
      const withInputs = resolveToken(child(token, 'with'), contexts, { success: true }, guard) as Record<
        string,
        Value
      > | null
      const calls = await runFile(
        path.posix.basename(calledWorkflow.replace(/@.*$/, '')),
        scope.request,
        withInputs ?? {},
        'call'
      )
      legs.push({ matrix, steps: [], calls })
      outputs = calls.outputs // matrix legs overwrite each other, as on GitHub
      failed ||= calls.result === 'failure'
      continue
    }
    const leg = await runSteps(file, id, token, contexts, scope)
    legs.push(leg)
    outputs = leg.outputs
    failed ||= leg.failed
  }
  return { id, result: failed ? 'failure' : 'success', outputs, legs }
}

async function runSteps(file: string, jobId: string, job: TemplateToken, base: Contexts, scope: Scope) {
  const environmentToken = child(job, 'environment')
  const environmentValue = resolveToken(environmentToken, base, { success: true })
  const environment =
    environmentValue === null
      ? undefined
      : typeof environmentValue === 'string'
        ? environmentValue
        : asText((environmentValue as { name?: Value }).name ?? null)
  const place = scope.request.store.work
  const workspace = path.join(place, 'shop', 'shop')
  const runnerTemp = path.join(place, '_temp')
  for (const dir of [workspace, runnerTemp, path.join(place, '_tool')])
    rmSync(dir, { recursive: true, force: true })
  mkdirSync(runnerTemp, { recursive: true })
  const steps: StepRun[] = []
  const stepsContext: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {}
  const secrets = environment === undefined ? {} : (scope.request.secrets ?? {})
  const jobEnv = mapToText(resolveToken(child(job, 'env'), base, { success: true }))
  const runner = { ...runnerFixed, temp: runnerTemp, tool_cache: path.join(place, '_tool') }
  const github = { ...(base.github as object), job: jobId, workspace }
  let failed = false

  const stepTokens: TemplateToken[] = []
  const stepsToken = child(job, 'steps')
  if (stepsToken) for (const s of stepsToken as unknown as Iterable<TemplateToken>) stepTokens.push(s)
  for (const [index, step] of stepTokens.entries()) {
    const id = literal(child(step, 'id'))
    const uses = literal(child(step, 'uses'))
    const name = literal(child(step, 'name')) ?? uses ?? `step ${index + 1}`
    const contexts: Contexts = {
      ...base,
      github,
      runner,
      env: jobEnv,
      secrets,
      steps: stepsContext,
      job: { status: failed ? 'failure' : 'success' }
    }
    const guard = outputGuard(`${file} job ${jobId} step "${name}"`, base.needs as Contexts, stepsContext)
    const condition = conditionText(child(step, 'if'))
    if (condition) guard(condition)
    let record: StepRun
    const started = Date.now()
    if (!evaluateCondition(condition, contexts, { success: !failed })) {
      record = { id, name, conclusion: 'skipped', outputs: {}, log: '' }
    } else {
      const env = {
        ...jobEnv,
        ...mapToText(resolveToken(child(step, 'env'), contexts, { success: !failed }, guard))
      }
      const withInputs = mapToText(
        resolveToken(child(step, 'with'), { ...contexts, env }, { success: !failed }, guard)
      )
      const runnerEnv = {
        GITHUB_SHA: scope.request.sha,
        GITHUB_REF: String((base.github as Contexts).ref),
        GITHUB_RUN_ID: String(scope.request.runId),
        GITHUB_RUN_NUMBER: String(scope.request.runId),
        GITHUB_JOB: jobId,
        GITHUB_WORKFLOW: String((base.github as Contexts).workflow),
        GITHUB_REPOSITORY: String((base.github as Contexts).repository),
        GITHUB_EVENT_NAME: scope.request.eventName,
        RUNNER_TEMP: runnerTemp
      }
      if (uses !== undefined)
        record = await runUses(file, jobId, {
          id,
          name,
          uses,
          withInputs,
          env,
          environment,
          workspace,
          runnerEnv,
          scope
        })
      else
        record = runScript(file, jobId, step, {
          id,
          name,
          env,
          workspace,
          runnerEnv,
          eventPath: writeEvent(place, scope.request.event)
        })
    }
    steps.push({ ...record, durationMs: Date.now() - started })
    if (record.conclusion === 'failure') failed = true
    if (id)
      stepsContext[id] = {
        outputs: record.outputs,
        outcome: record.conclusion,
        conclusion: record.conclusion
      }
  }

  const outputsGuard = outputGuard(`${file} job ${jobId} outputs`, base.needs as Contexts, stepsContext)
  const outputs = failed
    ? {}
    : mapToText(
        resolveToken(
          child(job, 'outputs'),
          { ...base, github, runner, steps: stepsContext, env: jobEnv },
          { success: true },
          outputsGuard
        )
      )
  return { matrix: base.matrix ?? null, environment, steps, outputs, failed }
}

interface UsesStep {
  id: string | undefined
  name: string
  uses: string
  withInputs: Record<string, string>
  env: Record<string, string>
  environment: string | undefined
  workspace: string
  runnerEnv: Record<string, string>
  scope: Scope
}

async function runUses(file: string, jobId: string, step: UsesStep): Promise<StepRun> {
  const action = resolveAction(step.uses)
  if (!action)
    throw new HarnessError(
      `${file} job ${jobId}: ${step.uses} is not one of our actions nor a pinned action we know`
    )
  for (const key of Object.keys(step.withInputs))
    if (!(key in action.spec.inputs))
      throw new HarnessError(`${file} job ${jobId} step "${step.name}": ${action.name} has no input ${key}`)
  for (const [key, spec] of Object.entries(action.spec.inputs))
    if (spec.required && !step.withInputs[key] && !spec.default)
      throw new HarnessError(
        `${file} job ${jobId} step "${step.name}": required input ${key} of ${action.name} is missing`
      )

  if (action.kind === 'third-party') {
    const { request } = step.scope
    try {
      const outputs = localEquivalent(action.name)(
        step.withInputs,
        { workspace: step.workspace, runId: request.runId, repository: request.repository, sha: request.sha },
        request.store
      )
      return { id: step.id, name: step.name, conclusion: 'success', outputs, log: '' }
    } catch (error) {
      if (error instanceof HarnessError) throw error
      return { id: step.id, name: step.name, conclusion: 'failure', outputs: {}, log: String(error) }
    }
  }
  mkdirSync(step.workspace, { recursive: true })
  const result = await runActionBundle(action.name, {
    inputs: step.withInputs,
    workspace: step.workspace,
    eventName: step.scope.request.eventName,
    event: step.scope.request.event ?? {},
    env: { ...step.scope.request.actionEnv, ...step.runnerEnv, ...step.env },
    ...(step.scope.request.bundleDir ? { bundleDir: step.scope.request.bundleDir } : {})
  })
  return {
    id: step.id,
    name: step.name,
    conclusion: result.exitCode === 0 ? 'success' : 'failure',
    outputs: result.outputs,
    log: result.stdout + result.stderr
  }
}

interface ScriptStep {
  id: string | undefined
  name: string
  env: Record<string, string>
  workspace: string
  runnerEnv: Record<string, string>
  eventPath: string
}

function runScript(file: string, jobId: string, step: TemplateToken, s: ScriptStep): StepRun {
  const run = child(step, 'run')
  const script = literal(run)
  if (script === undefined)
    throw new HarnessError(
      `${file} job ${jobId} step "${s.name}": \${{ }} inside run: - pass values through env:`
    )
  const shell = literal(child(step, 'shell')) ?? 'bash'
  if (shell !== 'bash')
    throw new HarnessError(`${file} job ${jobId} step "${s.name}": only shell: bash is emulated`)
  mkdirSync(s.workspace, { recursive: true })
  const files = mkdtempSync(path.join(s.runnerEnv.RUNNER_TEMP ?? tmpdir(), '_step-'))
  const outputFile = path.join(files, 'output')
  const scriptFile = path.join(files, 'script.sh')
  writeFileSync(outputFile, '')
  writeFileSync(path.join(files, 'summary'), '')
  writeFileSync(scriptFile, script)
  const child_ = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
    cwd: s.workspace,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: s.workspace,
      GITHUB_EVENT_PATH: s.eventPath,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: path.join(files, 'summary'),
      RUNNER_OS: runnerFixed.os,
      ...s.runnerEnv,
      ...s.env
    }
  })
  return {
    id: s.id,
    name: s.name,
    conclusion: child_.status === 0 ? 'success' : 'failure',
    outputs: parseFileCommand(readFileSync(outputFile, 'utf8')),
    log: `${child_.stdout ?? ''}${child_.stderr ?? ''}`
  }
}

/** Refuses, loudly, an expression that reads an output a finished step or job never set. */
function outputGuard(
  where: string,
  needs: Contexts,
  steps: Record<string, { outputs: Record<string, string>; conclusion: string }>
) {
  return (expression: string) => {
    for (const m of expression.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const step = steps[m[1] as string]
      if (step?.conclusion === 'success' && !(String(m[2]) in step.outputs))
        throw new HarnessError(
          `${where}: reads steps.${m[1]}.outputs.${m[2]}, an output that step ${m[1]} never set`
        )
    }
    for (const m of expression.matchAll(/\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const job = needs[m[1] as string] as { result: string; outputs: Record<string, string> } | undefined
      if (job === undefined) throw new HarnessError(`${where}: reads needs.${m[1]}, a job it does not need`)
      if (job.result === 'success' && !(String(m[2]) in job.outputs))
        throw new HarnessError(
          `${where}: reads needs.${m[1]}.outputs.${m[2]}, an output job ${m[1]} does not have`
        )
    }
  }
}

function applyInputDefinitions(
  file: string,
  trigger: TemplateToken | undefined,
  given: Record<string, Value>,
  strict: boolean
): Record<string, Value> {
  const definitions = mappingEntries(child(trigger, 'inputs'))
  const inputs: Record<string, Value> = {}
  const names = definitions.map(([n]) => n)
  if (strict)
    for (const key of Object.keys(given))
      if (!names.includes(key)) throw new HarnessError(`${file}: it has no input ${key}`)
  for (const [name, def] of definitions) {
    const type = literal(child(def, 'type')) ?? 'string'
    const fallback = resolveToken(child(def, 'default'), {}, { success: true })
    let value = given[name] ?? fallback
    if (value === null && literal(child(def, 'required')) === 'true')
      throw new HarnessError(`${file}: required input ${name} is missing`)
    if (type === 'boolean' && typeof value === 'string') value = value === 'true'
    if (type === 'choice') {
      const options = (resolveToken(child(def, 'options'), {}, { success: true }) as Value[] | null) ?? []
      if (value !== null && !options.includes(value))
        throw new HarnessError(`${file}: input ${name} must be one of ${options.join(', ')}`)
    }
    inputs[name] = value ?? (type === 'boolean' ? false : '')
  }
  return inputs
}

function githubContext(request: RunRequest, file: string): Contexts {
  return {
    event_name: request.eventName,
    event: request.event ?? {},
    sha: request.sha,
    ref: 'refs/heads/main',
    ref_name: 'main',
    repository: 'example-shop/shop',
    repository_owner: 'example-shop',
    workflow: file.replace(/\.ya?ml$/, ''),
    run_id: String(request.runId),
    run_number: String(request.runId),
    run_attempt: '1',
    actor: 'octocat',
    server_url: 'https://github.com',
    api_url: 'http://127.0.0.1:9',
    token: ''
  }
}

function needsOf(job: TemplateToken): string[] {
  const needs = child(job, 'needs')
  if (needs === undefined) return []
  const single = literal(needs)
  if (single !== undefined) return [single]
  const out: string[] = []
  for (const n of needs as unknown as Iterable<TemplateToken>) out.push(literal(n) ?? '')
  return out
}

/** The legs of a matrix: the product of its axes, then include entries (extending or adding), minus exclude. */
export function expandMatrix(matrix: Value): Array<Record<string, Value> | null> {
  if (matrix === null) return [null]
  if (typeof matrix !== 'object' || Array.isArray(matrix))
    throw new HarnessError(`a matrix must be a mapping, got ${JSON.stringify(matrix)}`)
  const { include, exclude, ...axes } = matrix as Record<string, Value>
  let legs: Array<Record<string, Value>> = [{}]
  for (const [axis, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new HarnessError(`matrix axis ${axis} must be a list`)
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [axis]: v })))
  }
  if (Object.keys(axes).length === 0) legs = []
  const matches = (leg: Record<string, Value>, entry: Record<string, Value>) =>
    Object.entries(entry).every(([k, v]) => !(k in axes) || JSON.stringify(leg[k]) === JSON.stringify(v))
  for (const entry of (Array.isArray(exclude) ? exclude : []) as Array<Record<string, Value>>)
    legs = legs.filter((leg) => !matches(leg, entry))
  for (const entry of (Array.isArray(include) ? include : []) as Array<Record<string, Value>>) {
    const extended = legs.filter((leg) => Object.keys(axes).length > 0 && matches(leg, entry))
    if (extended.length > 0) for (const leg of extended) Object.assign(leg, entry)
    else legs.push({ ...entry })
  }
  if (legs.length === 0) throw new HarnessError('the matrix has no legs (GitHub fails such a job)')
  return legs
}

function mapToText(value: Value): Record<string, string> {
  if (value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value))
    throw new HarnessError(`expected a mapping, got ${JSON.stringify(value)}`)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asText(v)]))
}

function writeEvent(place: string, event: Record<string, Value> | undefined): string {
  const file = path.join(place, '_temp', '_github_workflow', 'event.json')
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(event ?? {}))
  return file
}
