import { notAvailableYet } from '../command.js'

export const detectCommand = notAvailableYet(
  'detect',
  'list the services a change touches (dependencies included) and why',
  [
    {
      name: 'base',
      kind: 'string',
      description: 'commit, branch or tag to compare from',
      placeholder: 'rev'
    },
    {
      name: 'head',
      kind: 'string',
      description: 'commit to compare to',
      default: 'HEAD',
      placeholder: 'rev'
    },
    {
      name: 'explain',
      kind: 'string',
      description: 'say why one service was or was not selected',
      placeholder: 'service'
    }
  ],
  [
    'shipline detect --base main',
    'shipline detect base=HEAD~3 --json',
    'shipline detect --base main --explain catalog'
  ]
)
