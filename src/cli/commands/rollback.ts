import { notAvailableYet } from '../command.js'

export const rollbackCommand = notAvailableYet(
  'rollback',
  'return a service in an environment to its previous release (or a given version)',
  [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service to roll back',
      required: true,
      placeholder: 'service'
    },
    {
      name: 'environment',
      kind: 'string',
      description: 'target environment',
      required: true,
      placeholder: 'env'
    },
    { name: 'version', kind: 'string', description: 'version to return to (default: the previous release)' }
  ],
  ['shipline rollback artifact=catalog environment=prod']
)
