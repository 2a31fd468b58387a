import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createSign, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { OperationError } from '../../../src/core/errors.js'
import { pushImage } from '../../../src/core/artifacts/registry/push-image.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { filler, sampleLayout } from '../../unit/oci/sample-layout.js'
import { freePort, LocalRegistry } from './local-registry.js'

const run = promisify(execFile)
const SERVICE = 'shipline-test-registry'
const ISSUER = 'shipline-test-issuer'

let dir: string
let registry: LocalRegistry
let tokenServer: Server
const tokenRequests: { user: string; scopes: string[] }[] = []

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

/**
 * A token service as GHCR runs one: Basic credentials in, a JWT out, signed by a key whose
 * certificate the registry trusts (sent in the `x5c` header), granting the scopes asked for.
 */
function startTokenServer(keyPem: string, certPem: string, port: number): Promise<Server> {
  const certDer = certPem.replace(/-----[^-]+-----|\s/g, '')
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
    if (auth !== 'user:secret') return void res.writeHead(401).end()
    const scopes = url.searchParams.getAll('scope')
    tokenRequests.push({ user: 'user', scopes })
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] }
    const claims = {
      iss: ISSUER,
      sub: 'user',
      aud: url.searchParams.get('service'),
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scopes.map((scope) => {
        const [type, name, actions] = scope.split(':')
        return { type, name, actions: (actions ?? '').split(',') }
      })
    }
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
    const signature = createSign('RSA-SHA256').update(unsigned).sign(keyPem)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ token: `${unsigned}.${base64url(signature)}` }))
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shipline-token-auth-'))
  const key = path.join(dir, 'key.pem')
  const cert = path.join(dir, 'cert.pem')
  await run(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'].concat([
      '-subj',
      `/CN=${ISSUER}`,
      '-keyout',
      key,
      '-out',
      cert
    ])
  )
  const tokenPort = await freePort()
  tokenServer = await startTokenServer(readFileSync(key, 'utf8'), readFileSync(cert, 'utf8'), tokenPort)
  registry = await new LocalRegistry({
    realm: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`,
    service: SERVICE,
    issuer: ISSUER,
    rootCertBundle: cert
  }).start()
})

afterAll(async () => {
  await registry.stop()
  await new Promise((resolve) => tokenServer.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('bearer-token authentication against a real docker-registry', () => {
  it('gets a token for the repository scope from the realm and pushes', async () => {
    const image = await sampleLayout(path.join(dir, 'layout'), [filler('layer', 4096)], 'v1')
    const logger = new RecordingLogger()
    const result = await pushImage({
      layoutDir: image.layout.dir,
      reference: `${registry.registry}/shop/secure:1`,
      credentials: { username: 'user', password: 'secret' },
      logger
    })
    expect(result.digest).toBe(image.manifest.digest)
    expect(tokenRequests.map((r) => r.scopes)).toContainEqual(['repository:shop/secure:pull,push'])
    expect(logger.masked).toContain('secret')
  })

  it('reports refused credentials as an error, without pushing', async () => {
    const image = await sampleLayout(path.join(dir, 'layout2'), [filler('other', 100)], 'v1')
    const error = await pushImage({
      layoutDir: image.layout.dir,
      reference: `${registry.registry}/shop/secure:2`,
      credentials: { username: 'user', password: 'wrong' },
      logger: new RecordingLogger()
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toContain("refused user 'user'")
  })

  it('is required: an anonymous push is refused', async () => {
    const image = await sampleLayout(path.join(dir, 'layout3'), [filler('anon', 100)], 'v1')
    const error = await pushImage({
      layoutDir: image.layout.dir,
      reference: `${registry.registry}/shop/secure:3`,
      logger: new RecordingLogger()
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toContain('refused anonymous access')
  })
})
