import { notAvailableYet } from '../command.js'

export const configCommand = notAvailableYet(
  'config',
  "print a service's effective configuration for an environment, or diff two environments",
  [
    { name: 'environment', kind: 'string', description: 'environment to resolve for', placeholder: 'env' },
    { name: 'service', kind: 'string', aliases: ['artifact'], description: 'service (for diff)' },
    { name: 'explain', kind: 'boolean', description: 'show where each value comes from' }
  ],
  [
    'shipline config catalog --environment staging',
    'shipline config diff staging production --service catalog'
  ]
)
