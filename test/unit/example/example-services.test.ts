import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { loadManifest } from '../../../src/core/manifest/load-manifest.js'
import { copyOfExample } from '../../helpers/manifest-fixture.js'

/** Starts a built example service on a free port and returns its base URL and a stop function. */
async function start(serviceDir: string, command: string[]): Promise<{ url: string; stop: () => void }> {
  const [program, ...args] = command as [string, ...string[]]
  const child = spawn(program === 'node' ? process.execPath : program, args, {
    cwd: path.join(serviceDir, 'dist'),
    env: { PATH: process.env.PATH ?? '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out)
    })
    child.on('exit', (code) => reject(new Error(`service exited with ${code}`)))
  })
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec(line)?.[1]
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

describe('the example monorepo', () => {
  const root = copyOfExample()
  const manifest = loadManifest(root)

  it.each(manifest.services.map((s) => s.name))(
    '%s builds with its own command and answers its health check',
    async (name) => {
      const service = manifest.services.find((s) => s.name === name)!
      const serviceDir = path.join(root, service.path)
      const [program, ...args] = service.build.command!
      const build = spawnSync(program === 'node' ? process.execPath : program!, args, {
        cwd: serviceDir,
        env: { PATH: process.env.PATH ?? '', SHIPLINE_VERSION: '1.0.0-test' },
        encoding: 'utf8'
      })
      expect(build.status).toBe(0)
      const running = await start(serviceDir, service.run!.command)
      try {
        const health = await fetch(`${running.url}${service.run!.health.path}`)
        expect(health.status).toBe(200)
        expect(await health.json()).toEqual({ status: 'ok', service: name, version: '1.0.0-test' })
      } finally {
        running.stop()
      }
    }
  )
})
