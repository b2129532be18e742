import { HttpError } from '@switchyard/http-server'
import { describe, expect, it } from 'vitest'
import { planCache, readCacheDirective } from './cache-directive.ts'

const on = { enabled: true, ttlSeconds: 60, scope: 'team' as const }
const onRequest = { ...on, enabled: false }

describe('readCacheDirective', () => {
  it('reads on, off and refresh in any case, and nothing when absent', () => {
    expect(readCacheDirective(new Headers())).toBeNull()
    expect(readCacheDirective(new Headers({ 'x-switchyard-cache': ' Refresh ' }))).toBe('refresh')
    expect(readCacheDirective(new Headers({ 'x-switchyard-cache': 'off' }))).toBe('off')
  })

  it('refuses anything else with a 400 that names the values allowed', () => {
    const read = () => readCacheDirective(new Headers({ 'x-switchyard-cache': 'yes' }))
    expect(read).toThrow(HttpError)
    expect(read).toThrow(/on, off, refresh/)
  })
})

describe('planCache', () => {
  it('caches nothing on a route without a cache, and says so to a request that asked', () => {
    expect(planCache(null, null)).toMatchObject({ shouldLookUp: false, shouldStore: false, status: null })
    expect(planCache(null, 'on')).toMatchObject({ shouldLookUp: false, shouldStore: false, status: 'bypass' })
  })

  it('looks up and stores on an enabled route unless the request turns it off', () => {
    expect(planCache(on, null)).toEqual({ shouldLookUp: true, shouldStore: true, ttlSeconds: 60, status: 'miss' })
    expect(planCache(on, 'off')).toMatchObject({ shouldLookUp: false, shouldStore: false, status: 'bypass' })
  })

  it('refreshes by storing without looking up', () => {
    expect(planCache(on, 'refresh')).toMatchObject({ shouldLookUp: false, shouldStore: true, status: 'miss' })
    expect(planCache(onRequest, 'refresh')).toMatchObject({ shouldLookUp: false, shouldStore: true })
  })

  it('uses a disabled route cache only for requests that ask', () => {
    expect(planCache(onRequest, null)).toMatchObject({ shouldLookUp: false, shouldStore: false, status: null })
    expect(planCache(onRequest, 'on')).toMatchObject({ shouldLookUp: true, shouldStore: true, status: 'miss' })
  })
})
