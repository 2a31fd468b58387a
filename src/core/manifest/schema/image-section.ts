import { relativePath, stringMap } from './common.js'

/** A custom base image: a starting image plus layers that bake in what every service needs. */
export interface BaseImageSpec {
  name: string
  /** `scratch`, an OCI layout folder (`oci:path[:tag]`) or a registry reference. */
  from: string
  /** Folders (relative to the repository root) added as layers, in order. */
  layers: string[]
  env: Record<string, string>
}

/** `image:` in service.yml. */
export interface ServiceImageSpec {
  /** Name of a base declared in shipline.yml `images.bases`, or an inline base. */
  base?: string
  tags: string[]
  env: Record<string, string>
  labels: Record<string, string>
}

export interface ImagesSpec {
  /** Registry and namespace, e.g. `ghcr.io/acme`. */
  registry?: string
  bases: BaseImageSpec[]
}

export const baseImageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from'],
  properties: {
    from: { type: 'string', minLength: 1 },
    layers: { type: 'array', items: relativePath },
    env: stringMap
  }
} as const

export const imagesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    registry: { type: 'string', minLength: 1 },
    bases: { type: 'object', additionalProperties: baseImageSchema }
  }
} as const

export const serviceImageSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    base: { type: 'string', minLength: 1 },
    tags: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' } },
    env: stringMap,
    labels: stringMap
  }
} as const
