import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the registry to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * The real `docker-registry` (distribution 2.8) from Debian, started on 127.0.0.1 with filesystem
 * storage in a temp folder and stopped by its PID. Fails (never skips) when the tool is missing.
 */
/** Token authentication as GHCR and Docker Hub do it: the registry trusts JWTs signed by `rootCertBundle`. */
export interface TokenAuthConfig {
  realm: string
  service: string
  issuer: string
  rootCertBundle: string
}

export class LocalRegistry {
  private process: ChildProcess | undefined
  private log = ''
  dir = ''
  port = 0

  get registry(): string {
    return `127.0.0.1:${this.port}`
  }

  constructor(private readonly tokenAuth?: TokenAuthConfig) {}

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'shipline-registry-'))
    this.port = await freePort()
    await mkdir(join(this.dir, 'data'))
    const config = [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(this.dir, 'data')} }`,
      '  delete: { enabled: true }',
      'http:',
      `  addr: 127.0.0.1:${this.port}`,
      'health:',
      '  storagedriver: { enabled: false }',
      ...(this.tokenAuth
        ? [
            'auth:',
            '  token:',
            `    realm: ${this.tokenAuth.realm}`,
            `    service: ${this.tokenAuth.service}`,
            `    issuer: ${this.tokenAuth.issuer}`,
            `    rootcertbundle: ${this.tokenAuth.rootCertBundle}`
          ]
        : []),
      ''
    ].join('\n')
    await writeFile(join(this.dir, 'config.yml'), config)
    const child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.process = child
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()))
    const spawnFailure = new Promise<never>((_, reject) =>
      child.once('error', (e) =>
        reject(new Error(`docker-registry could not start (is it installed?): ${e.message}`))
      )
    )
    await Promise.race([this.waitUntilReady(), spawnFailure])
    return this
  }

  private async waitUntilReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      try {
        const response = await fetch(`http://${this.registry}/v2/`)
        if (response.ok || (this.tokenAuth && response.status === 401)) return
      } catch {
        // Not listening yet.
      }
      if (this.process?.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`docker-registry did not come up on ${this.registry}:\n${this.log}`)
  }

  async stop(): Promise<void> {
    const child = this.process
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    await rm(this.dir, { recursive: true, force: true })
  }

  /** Stored files under the registry's data folder, to show what a push wrote. */
  async readRepositoryLink(repository: string, tag: string): Promise<string> {
    const link = join(
      this.dir,
      'data/docker/registry/v2/repositories',
      repository,
      '_manifests/tags',
      tag,
      'current/link'
    )
    return (await readFile(link, 'utf8')).trim()
  }
}
