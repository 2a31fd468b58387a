import { notAvailableYet } from '../command.js'

export const deployCommand = notAvailableYet(
  'deploy',
  'deploy one version of a service to an environment, host by host, health-gated',
  [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service to deploy',
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
    {
      name: 'version',
      kind: 'string',
      description: 'version to deploy (a build id, latest or local)',
      required: true
    },
    { name: 'dry-run', kind: 'boolean', description: 'print the plan and check it, change nothing' }
  ],
  [
    'shipline deploy artifact=catalog environment=prod version=b456',
    'shipline deploy artifact=catalog environment=staging version=latest --dry-run'
  ]
)
