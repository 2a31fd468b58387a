import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cacheKeyFor } from '../../../src/core/artifacts/build-service.js'
import { CacheKeyError, LocalFolderCache, validateCacheKey } from '../../../src/platform/cache.js'
import { tempDir } from './build-fixture.js'

describe('artifact cache', () => {
  it('validates keys as GitHub does: no commas, at most 512 characters', () => {
    const key = cacheKeyFor('catalog', 'a'.repeat(64))
    expect(validateCacheKey(key)).toBe(key)
    expect(() => validateCacheKey('a,b')).toThrow(CacheKeyError)
    expect(() => validateCacheKey('k'.repeat(513))).toThrow(CacheKeyError)
    expect(() => validateCacheKey('')).toThrow(CacheKeyError)
  })

  it('restores what was saved, keeps the first entry of a key, and misses unknown keys', async () => {
    const cache = new LocalFolderCache(tempDir('shipline-cache-'))
    const folder = tempDir('shipline-folder-')
    mkdirSync(path.join(folder, '1.0.0'))
    writeFileSync(path.join(folder, '1.0.0/a.txt'), 'first')
    expect(await cache.save('k1', folder)).toBe(true)
    writeFileSync(path.join(folder, '1.0.0/a.txt'), 'second')
    expect(await cache.save('k1', folder)).toBe(false)

    const target = tempDir('shipline-restore-')
    expect(await cache.restore('k1', target)).toBe(true)
    expect(readFileSync(path.join(target, '1.0.0/a.txt'), 'utf8')).toBe('first')
    expect(await cache.restore('k2', target)).toBe(false)
    await expect(cache.restore('../escape', target)).rejects.toThrow(CacheKeyError)
  })
})
