import { rollbackService } from '../../core/deploy/entry.js'
import { stringParam, type Command } from '../command.js'
import { deployServices, reportDeployment, target, targetParams } from './deploy-shared.js'

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'return a service in an environment to its previous release (or a given version)',
  examples: [
    'shipline rollback artifact=catalog environment=prod',
    'shipline rollback artifact=catalog environment=prod version=b455'
  ],
  params: [
    ...targetParams,
    { name: 'version', kind: 'string', description: 'version to return to (default: the previous release)' }
  ],
  async run(context) {
    const version = stringParam(context, 'version')
    const outcome = await rollbackService(
      { ...target(context), ...(version ? { version } : {}) },
      deployServices(context)
    )
    return reportDeployment(context, outcome.deployment!)
  }
}
