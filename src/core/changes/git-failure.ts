import { errorMessage } from '../errors.js'
import { ExecNotFoundError } from '../../platform/exec.js'

/** One sentence for a failed git call, naming what shipline was doing and what git said. */
export function describeGitFailure(error: unknown, doing: string): string {
  if (error instanceof ExecNotFoundError) {
    return `git is not installed or not on PATH (needed for ${doing}); install git on the runner`
  }
  return `git failed while ${doing}: ${errorMessage(error)}`
}
