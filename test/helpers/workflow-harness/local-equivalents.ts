/**
 * What replaces the third-party actions when a workflow runs here: actions/checkout clones the
 * test repository at the run's commit, actions/upload-artifact and actions/download-artifact copy
 * folders to and from a run-scoped store on disk. Inputs they do not emulate are refused.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { HarnessError } from './template-values.js'

export interface LocalStore {
  /** Artifacts by run: `<artifacts>/<run-id>/<name>/`. */
  artifacts: string
  /** What stays on "the machine" between jobs and runs: the local environment's hosts (.shipline/). */
  machine: string
  /**
   * The runner's work folder. Every job gets the same workspace path, emptied first, as on GitHub
   * (@actions/cache versions entries by the paths they hold, so a path that moved would never hit).
   */
  work: string
}

export interface StepPlace {
  workspace: string
  runId: number
  repository: string
  sha: string
}

type Emulated = (
  withInputs: Record<string, string>,
  place: StepPlace,
  store: LocalStore
) => Record<string, string>

const accepted: Record<string, string[]> = {
  'actions/checkout': ['persist-credentials', 'fetch-depth'],
  'actions/upload-artifact': ['name', 'path', 'if-no-files-found', 'retention-days'],
  'actions/download-artifact': ['name', 'path', 'run-id', 'github-token']
}

export function localEquivalent(action: string): Emulated {
  const emulated = emulations[action]
  if (!emulated) throw new HarnessError(`no local equivalent for ${action}`)
  return (withInputs, place, store) => {
    for (const key of Object.keys(withInputs))
      if (!accepted[action]?.includes(key))
        throw new HarnessError(`${action}: input ${key} is not emulated here`)
    return emulated(withInputs, place, store)
  }
}

const emulations: Record<string, Emulated> = {
  'actions/checkout': (_with, place, store) => {
    // A clone with full history (fetch-depth is not emulated: the clone always has it all).
    execFileSync('git', ['clone', '-q', '--no-checkout', place.repository, place.workspace])
    execFileSync('git', ['-C', place.workspace, 'checkout', '-q', '--detach', place.sha])
    // The local environment lives on this machine, outside any checkout (as a self-hosted
    // runner keeps its files between jobs).
    mkdirSync(store.machine, { recursive: true })
    if (!existsSync(path.join(place.workspace, '.shipline')))
      symlinkSync(store.machine, path.join(place.workspace, '.shipline'))
    return { ref: 'refs/heads/main', commit: place.sha }
  },
  'actions/upload-artifact': (inputs, place, store): Record<string, string> => {
    const name = inputs.name || 'artifact'
    if (!inputs.path) throw new HarnessError('actions/upload-artifact: input path is required')
    const source = path.resolve(place.workspace, inputs.path)
    const target = path.join(store.artifacts, String(place.runId), name)
    if (existsSync(target)) throw new Error(`an artifact named ${name} already exists in run ${place.runId}`)
    if (!existsSync(source) || (isDirectory(source) && readdirSync(source).length === 0)) {
      if (inputs['if-no-files-found'] === 'error') throw new Error(`no files found at ${inputs.path}`)
      return {}
    }
    cpSync(source, isDirectory(source) ? target : path.join(target, path.basename(source)), {
      recursive: true
    })
    return { 'artifact-id': `${place.runId}-${name}`, 'artifact-url': '', 'artifact-digest': '' }
  },
  'actions/download-artifact': (inputs, place, store) => {
    if (!inputs.name) throw new HarnessError('actions/download-artifact: only downloads by name are emulated')
    const runId = inputs['run-id'] || String(place.runId)
    const source = path.join(store.artifacts, runId, inputs.name)
    if (!existsSync(source)) throw new Error(`Artifact not found for name: ${inputs.name} (run ${runId})`)
    const target = path.resolve(place.workspace, inputs.path || '.')
    cpSync(source, target, { recursive: true })
    return { 'download-path': target }
  }
}

function isDirectory(p: string): boolean {
  return readdirSync(path.dirname(p), { withFileTypes: true }).some(
    (d) => d.name === path.basename(p) && d.isDirectory()
  )
}
