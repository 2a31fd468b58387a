import * as core from '@actions/core'
import { ConfigError, ConfigErrors, OperationError } from '../../core/errors.js'
import { neutralise } from './toolkit-logger.js'

export interface ActionEntry {
  /** The action's name, the prefix of every failure message. */
  name: string
  main: () => Promise<void>
  /** Cleanup run by the `post:` step; its errors become warnings, never a failed job. */
  post?: () => Promise<void>
}

const POST_FLAG = 'isPost'

/**
 * The one runner for action entries: picks main or post, catches every error, reports a user's
 * mistake as an annotation at its location and a bug with its stack only in debug output, and
 * prefixes every failure with the action's name.
 */
export async function runAction(entry: ActionEntry): Promise<void> {
  const isPost = core.getState(POST_FLAG) === 'true'
  if (isPost) {
    if (!entry.post) return
    try {
      await entry.post()
    } catch (error) {
      core.warning(`${entry.name} (post): ${error instanceof Error ? error.message : String(error)}`)
    }
    return
  }
  if (entry.post) core.saveState(POST_FLAG, 'true')
  try {
    await entry.main()
  } catch (error) {
    reportFailure(entry.name, error)
  }
}

export function reportFailure(name: string, error: unknown): void {
  process.exitCode = 1
  if (error instanceof ConfigErrors) {
    for (const e of error.errors) annotate(name, e)
    return
  }
  if (error instanceof ConfigError) {
    annotate(name, error)
    return
  }
  if (error instanceof OperationError) {
    core.error(neutralise(`${name}: ${error.message}`))
    return
  }
  const err = error instanceof Error ? error : new Error(String(error))
  core.debug(err.stack ?? err.message)
  core.error(
    neutralise(`${name}: unexpected error: ${err.message} (re-run with debug logging for the stack trace)`)
  )
}

function annotate(name: string, error: ConfigError): void {
  const { file, line, column, keyPath } = error.location
  const at = keyPath ? ` (at ${keyPath})` : ''
  const hint = error.hint ? ` - fix: ${error.hint}` : ''
  core.error(neutralise(`${name}: ${error.message}${at}${hint}`), {
    title: `${name}: configuration error`,
    ...(file ? { file } : {}),
    ...(line ? { startLine: line } : {}),
    ...(column ? { startColumn: column } : {})
  })
}
