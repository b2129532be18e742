import { PROVIDER_TYPES } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { providerAdapters } from './registry.ts'

describe('providerAdapters', () => {
  it('has an adapter of the right type for every provider type', () => {
    expect(Object.keys(providerAdapters).sort()).toEqual([...PROVIDER_TYPES].sort())
    for (const type of PROVIDER_TYPES) expect(providerAdapters[type].type).toBe(type)
  })
})
