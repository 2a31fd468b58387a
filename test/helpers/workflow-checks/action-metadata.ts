import { existsSync } from 'node:fs'
import path from 'node:path'
import { actionMetadata, projectRoot } from '../action-runner.js'
import { thirdPartyActions } from './third-party-actions.js'

export interface ActionSpec {
  name: string
  description: string
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

/** `<org>/shipline/actions/<name>@<sha>`: how the examples call our own actions. */
const shiplineReference = /^[A-Za-z0-9][\w.-]*\/shipline\/actions\/([a-z0-9-]+)@[0-9a-f]{40}$/

export type ResolvedAction =
  | { kind: 'shipline'; name: string; spec: ActionSpec }
  | { kind: 'third-party'; name: string; spec: ActionSpec }

/** Maps a `uses:` value to the metadata of the action it runs; undefined when we do not know it. */
export function resolveAction(uses: string): ResolvedAction | undefined {
  const ours = shiplineReference.exec(uses)
  if (ours) {
    const name = ours[1] as string
    if (!existsSync(path.join(projectRoot, 'actions', name, 'action.yml'))) return undefined
    const meta = actionMetadata(name) as unknown as Partial<ActionSpec>
    return {
      kind: 'shipline',
      name,
      spec: {
        name: meta.name ?? name,
        description: meta.description ?? '',
        inputs: meta.inputs ?? {},
        outputs: meta.outputs ?? {}
      }
    }
  }
  const at = uses.lastIndexOf('@')
  const known = at > 0 ? thirdPartyActions[uses.slice(0, at)] : undefined
  if (known && uses.slice(at + 1) === known.sha)
    return { kind: 'third-party', name: uses.slice(0, at), spec: known.spec }
  return undefined
}
