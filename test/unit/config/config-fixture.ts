import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { resolveConfig, type ResolveConfigOptions } from '../../../src/core/config/resolve-config.js'
import type { ConfigResolution } from '../../../src/core/config/model.js'
import { ConfigError, ConfigErrors } from '../../../src/core/errors.js'
import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { copyOfExample } from '../../helpers/manifest-fixture.js'

/** A copy of the example monorepo with some files written (string) or deleted (null). */
export function exampleWith(files: Record<string, string | null> = {}): string {
  const root = copyOfExample()
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, file)
    if (text === null) rmSync(full, { force: true })
    else {
      mkdirSync(path.dirname(full), { recursive: true })
      writeFileSync(full, text)
    }
  }
  return root
}

export interface Resolved {
  config: ConfigResolution
  logger: RecordingLogger
}

/** Resolves `service` in `environment` in the repository at `root`. */
export function resolveIn(
  root: string,
  service: string,
  environment: string,
  extra: Partial<Omit<ResolveConfigOptions, 'manifest' | 'service' | 'environment' | 'logger'>> = {}
): Resolved {
  const logger = new RecordingLogger()
  const config = resolveConfig({ manifest: loadManifest(root), service, environment, logger, ...extra })
  return { config, logger }
}

/** The ConfigError `fn` throws (every error when several are thrown together). */
export function configErrorsOf(fn: () => unknown): ConfigError[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors
    if (error instanceof ConfigError) return [error]
    throw error
  }
  throw new Error('expected a ConfigError')
}

export function configErrorOf(fn: () => unknown): ConfigError {
  const errors = configErrorsOf(fn)
  if (errors.length !== 1) throw new Error(`expected one error, got ${errors.length}`)
  return errors[0] as ConfigError
}
