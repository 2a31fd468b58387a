import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildService, type BuildServiceInput } from '../../../src/core/artifacts/build-service.js'
import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { Git } from '../../../src/platform/git.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { TestRepo } from '../../helpers/git-repo.js'

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

/** Runs buildService on a real repository with a real exec and git; returns the result and the log. */
export async function build(repo: TestRepo, options: Partial<BuildServiceInput> & { service: string }) {
  const exec = new NodeExec()
  const logger = new RecordingLogger()
  const result = await buildService({
    manifest: loadManifest(repo.dir),
    outDir: tempDir('shipline-out-'),
    git: new Git(exec, repo.dir),
    exec,
    logger,
    ...options
  })
  return { result, logger }
}

/** A one-service repository whose build command and files the test chooses. */
export function singleServiceRepo(serviceYml: string, files: Record<string, string> = {}): TestRepo {
  const repo = new TestRepo()
  repo.write('shipline.yml', 'version: 1\ndiscover:\n  - services/*\n')
  repo.write('services/api/service.yml', serviceYml)
  for (const [file, content] of Object.entries(files)) repo.write(`services/api/${file}`, content)
  repo.commit('initial')
  return repo
}
