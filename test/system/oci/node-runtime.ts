import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * Fills a base-layer folder with the host's node binary (at /usr/bin/node) and the shared libraries
 * `ldd` lists for it, so the example services run in a container without any public base image
 * (none is reachable from this machine).
 */
export async function copyNodeRuntime(target: string): Promise<void> {
  const node = realpathSync(process.execPath)
  mkdirSync(path.join(target, 'usr/bin'), { recursive: true })
  copyFileSync(node, path.join(target, 'usr/bin/node'))
  const { stdout } = await run('ldd', [node])
  for (const match of stdout.matchAll(/(\/\S+)\s+\(0x/g)) {
    const library = match[1] ?? ''
    mkdirSync(path.join(target, path.dirname(library)), { recursive: true })
    copyFileSync(realpathSync(library), path.join(target, library))
  }
}
