import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../../../src/core/errors.js'
import {
  formatReference,
  parseImageReference,
  registryUrl
} from '../../../src/core/artifacts/registry/image-reference.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`

describe('image references', () => {
  it.each([
    ['ghcr.io/acme/catalog:1.2.3', { registry: 'ghcr.io', repository: 'acme/catalog', tag: '1.2.3' }],
    ['127.0.0.1:5000/shop/web', { registry: '127.0.0.1:5000', repository: 'shop/web' }],
    ['localhost/a/b/c:v_1', { registry: 'localhost', repository: 'a/b/c', tag: 'v_1' }],
    [`ghcr.io/acme/catalog@${DIGEST}`, { registry: 'ghcr.io', repository: 'acme/catalog', digest: DIGEST }],
    [`ghcr.io/acme/x:1@${DIGEST}`, { registry: 'ghcr.io', repository: 'acme/x', tag: '1', digest: DIGEST }],
    ['busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['acme/my-app__x.y:latest', { registry: 'docker.io', repository: 'acme/my-app__x.y', tag: 'latest' }]
  ])('reads %s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected)
  })

  it('writes a reference back in the same form', () => {
    expect(formatReference(parseImageReference(`ghcr.io/acme/x:1@${DIGEST}`))).toBe(
      `ghcr.io/acme/x:1@${DIGEST}`
    )
  })

  it.each([
    ['', 'empty'],
    ['ghcr.io/Acme/catalog', "'Acme' is not a valid name component"],
    ['ghcr.io/acme//catalog', 'empty name component'],
    ['ghcr.io/acme/catalog:', "'' is not a valid tag"],
    ['ghcr.io/acme/catalog:-bad', "'-bad' is not a valid tag"],
    ['ghcr.io/acme/catalog@sha256:1234', 'is not a sha256 digest'],
    ['ghcr.io/acme/cat alog', 'white space'],
    ['ghcr.io/acme/-catalog', "'-catalog' is not a valid name component"],
    [`ghcr.io/${'a'.repeat(256)}`, 'longer than 255']
  ])('refuses %j with a reason and a hint', (text, reason) => {
    let error: unknown
    try {
      parseImageReference(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain(reason)
    expect((error as ConfigError).hint).toContain('registry/owner/name')
  })

  it('speaks plain HTTP only to loopback registries', () => {
    expect(registryUrl('127.0.0.1:5000').href).toBe('http://127.0.0.1:5000/')
    expect(registryUrl('localhost:5000').href).toBe('http://localhost:5000/')
    expect(registryUrl('ghcr.io').href).toBe('https://ghcr.io/')
    expect(registryUrl('docker.io').href).toBe('https://registry-1.docker.io/')
  })
})
