import { artifactsSchema } from './artifacts-section.js'
import { buildSchema } from './build-section.js'
import { relativePath, serviceName } from './common.js'
import { configSchema } from './config-section.js'
import { environmentSchema } from './environment-section.js'
import { imagesSchema, serviceImageSchema } from './image-section.js'
import { runSchema } from './run-section.js'

/** The keys a service definition may have, in service.yml or inline in shipline.yml. */
const serviceProperties = {
  name: serviceName,
  description: { type: 'string', minLength: 1, maxLength: 2000 },
  version: {
    type: 'string',
    pattern: '^[0-9][A-Za-z0-9.+~]*$',
    'x-hint': 'give a version starting with a digit, e.g. 1.4.0'
  },
  maintainer: {
    type: 'string',
    pattern: '^[^<>]+ <[^<>@\\s]+@[^<>\\s]+>$',
    'x-hint': 'write "Name <email@example.com>"'
  },
  homepage: { type: 'string', pattern: '^https?://' },
  license: { type: 'string', minLength: 1 },
  paths: {
    type: 'array',
    minItems: 1,
    items: { type: 'string', minLength: 1 },
    'x-hint':
      'list glob patterns relative to the repository root, e.g. [services/catalog/**, proto/catalog/**]'
  },
  depends_on: {
    type: 'array',
    uniqueItems: true,
    items: { type: 'string', minLength: 1 },
    'x-hint': 'list names of other services or of shared folders'
  },
  build: buildSchema,
  artifacts: artifactsSchema,
  image: serviceImageSchema,
  run: runSchema,
  config: configSchema
} as const

export const serviceFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: serviceProperties
} as const

const inlineServiceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: { ...serviceProperties, path: relativePath }
} as const

export const repositoryFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1, 'x-hint': 'set version: 1' },
    discover: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      'x-hint': 'list folder globs such as services/*; each matching folder with a service.yml is a service'
    },
    services: {
      type: 'object',
      propertyNames: serviceName,
      additionalProperties: inlineServiceSchema
    },
    shared: {
      type: 'object',
      propertyNames: serviceName,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: { path: relativePath, depends_on: serviceProperties.depends_on }
      }
    },
    global: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      'x-hint': 'list glob patterns; a change to a matching file selects every service'
    },
    config: configSchema,
    images: imagesSchema,
    environments: { type: 'array', minItems: 1, items: environmentSchema }
  }
} as const
