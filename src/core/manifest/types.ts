import type { ArtifactsSpec } from './schema/artifacts-section.js'
import type { BuildSpec } from './schema/build-section.js'
import type { ConfigSpec } from './schema/config-section.js'
import type { EnvironmentSpec } from './schema/environment-section.js'
import type { ImagesSpec, ServiceImageSpec } from './schema/image-section.js'
import type { RunSpec } from './schema/run-section.js'

export type { ArtifactFormat, ArtifactsSpec } from './schema/artifacts-section.js'
export type { BuildSpec } from './schema/build-section.js'
export type { ConfigSpec } from './schema/config-section.js'
export type { EnvironmentSpec, HostGroup, ProviderKind, RolloutSpec } from './schema/environment-section.js'
export type { BaseImageSpec, ImagesSpec, ServiceImageSpec } from './schema/image-section.js'
export type { HealthSpec, RunSpec } from './schema/run-section.js'

/** Where a definition came from, for error messages. */
export interface Origin {
  /** Repository-relative file. */
  file: string
  line: number
  column: number
}

/** One deployable service, fully resolved with defaults. */
export interface Service {
  name: string
  /** Repository-relative folder (no leading `./`, no trailing `/`). */
  path: string
  description: string
  /** The service's own version; build versions derive from it. */
  version: string
  maintainer: string
  homepage?: string
  license: string
  /** Glob patterns (repository-relative) that belong to the service; the first is `<path>/**`. */
  paths: string[]
  /** Names of services and shared folders this one depends on. */
  dependsOn: string[]
  build: BuildSpec
  artifacts: ArtifactsSpec
  image: ServiceImageSpec
  run?: RunSpec
  config: ConfigSpec
  origin: Origin
}

/** A shared folder (library): changes propagate to every service depending on it; never built. */
export interface SharedFolder {
  name: string
  path: string
  dependsOn: string[]
  origin: Origin
}

/** Everything shipline knows about a repository: shipline.yml plus every service.yml. */
export interface Manifest {
  /** Absolute path of the repository root. */
  root: string
  /** Repository-relative path of shipline.yml. */
  file: string
  /** Sorted by name. */
  services: Service[]
  /** Sorted by name. */
  shared: SharedFolder[]
  /** Glob patterns whose changes select every service (shipline.yml is always one). */
  global: string[]
  config: ConfigSpec
  images: ImagesSpec
  /** In promotion order. */
  environments: EnvironmentSpec[]
}
