import { notAvailableYet } from '../command.js'

export const buildCommand = notAvailableYet(
  'build',
  'build a service once and package it as .deb, .rpm, .tar.gz and OCI image',
  [
    {
      name: 'artifact',
      kind: 'string',
      aliases: ['service'],
      description: 'the service to build',
      required: true,
      placeholder: 'service'
    },
    {
      name: 'version',
      kind: 'string',
      description: 'version to stamp (default: derived from the service version and commit)'
    },
    {
      name: 'format',
      kind: 'list',
      description: 'formats to write: deb, rpm, tgz, oci',
      placeholder: 'list'
    },
    {
      name: 'out',
      kind: 'string',
      description: 'folder to write artifacts into',
      default: '.shipline/artifacts',
      placeholder: 'dir'
    }
  ],
  ['shipline build artifact=catalog version=1.2.3', 'shipline build artifact=catalog format=deb,rpm --json']
)
