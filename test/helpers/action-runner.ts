import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

export interface RunnerOptions {
  inputs?: Record<string, string>
  /** Workspace folder (GITHUB_WORKSPACE and the working directory). Default: a fresh temp folder. */
  workspace?: string
  eventName?: string
  event?: unknown
  /** Extra environment variables (GITHUB_SHA, secrets, ...). */
  env?: Record<string, string>
  /** STATE_* values, to run the post step. */
  state?: Record<string, string>
  /** Kill the process after this many ms (default 120 s). */
  timeoutMs?: number
  /**
   * Folder holding `<name>/index.js` to run instead of the action.yml's bundle in dist/ (a snapshot
   * of dist/, for runs that must not see a rebuild in progress).
   */
  bundleDir?: string
  /** Called with the child once it started (to send signals). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
}

export interface RunnerResult {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  exportedEnv: Record<string, string>
  summary: string
  /** The `::error ...::` lines, decoded. */
  errors: string[]
  runnerTemp: string
  workspace: string
}

/** Inputs declared in an action.yml, with their defaults. */
export function actionMetadata(name: string): {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string }
} {
  return parse(readFileSync(path.join(projectRoot, 'actions', name, 'action.yml'), 'utf8'))
}

/**
 * Runs dist/<name>/index.js as the GitHub runner does: INPUT_* variables (with the action.yml
 * defaults applied, as the runner applies them), file commands, event payload, RUNNER_TEMP.
 */
export async function runActionBundle(name: string, options: RunnerOptions = {}): Promise<RunnerResult> {
  const meta = actionMetadata(name)
  const base = mkdtempSync(path.join(tmpdir(), `shipline-runner-${name}-`))
  const files = path.join(base, 'file_commands')
  const runnerTemp = path.join(base, 'temp')
  const workspace = options.workspace ?? path.join(base, 'workspace')
  for (const dir of [files, runnerTemp, workspace, path.join(base, 'tool')])
    mkdirSync(dir, { recursive: true })
  const fileNames = {
    output: 'output',
    step_summary: 'step_summary',
    env: 'env',
    path: 'path',
    state: 'state'
  }
  for (const f of Object.values(fileNames)) writeFileSync(path.join(files, f), '')
  const eventPath = path.join(base, 'event.json')
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}))

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? base,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(base, 'tool'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTION: name,
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'job',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    GITHUB_OUTPUT: path.join(files, fileNames.output),
    GITHUB_STEP_SUMMARY: path.join(files, fileNames.step_summary),
    GITHUB_ENV: path.join(files, fileNames.env),
    GITHUB_PATH: path.join(files, fileNames.path),
    GITHUB_STATE: path.join(files, fileNames.state),
    ...options.env
  }
  for (const [input, spec] of Object.entries(meta.inputs ?? {})) {
    let value = options.inputs?.[input] ?? spec.default ?? ''
    if (options.inputs?.[input] === undefined && value === '${{ github.token }}')
      value = options.env?.GITHUB_TOKEN ?? ''
    env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [k, v] of Object.entries(options.state ?? {})) env[`STATE_${k}`] = v

  const entry = options.state ? (meta.runs.post ?? meta.runs.main) : meta.runs.main
  const bundle = options.bundleDir
    ? path.join(options.bundleDir, name, path.basename(entry))
    : path.join(projectRoot, 'actions', name, entry)
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 137)))
  clearTimeout(timer)

  const read = (f: string) => readFileSync(path.join(files, f), 'utf8')
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommand(read(fileNames.output)),
    state: parseFileCommand(read(fileNames.state)),
    exportedEnv: parseFileCommand(read(fileNames.env)),
    summary: read(fileNames.step_summary),
    errors: stdout
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .map((l) => decodeCommandData(l.slice(l.indexOf('::', 2) + 2))),
    runnerTemp,
    workspace
  }
}

/** Parses the `name<<DELIM ... DELIM` and `name=value` forms the runner reads from file commands. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] as string)
      result[key] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return result
}

function decodeCommandData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** The `file=...,line=...` properties of the first error annotation. */
export function errorProperties(stdout: string): Record<string, string> {
  const line = stdout.split('\n').find((l) => l.startsWith('::error '))
  if (!line) return {}
  const props = line.slice('::error '.length, line.indexOf('::', 2))
  return Object.fromEntries(props.split(',').map((p) => p.split('=') as [string, string]))
}
