import { notAvailableYet } from '../command.js'

export const statusCommand = notAvailableYet(
  'status',
  'show which version of a service runs on each host of an environment',
  [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service',
      required: true,
      placeholder: 'service'
    },
    { name: 'environment', kind: 'string', description: 'environment', required: true, placeholder: 'env' }
  ],
  ['shipline status artifact=catalog environment=prod']
)
