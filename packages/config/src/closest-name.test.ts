import { describe, expect, it } from 'vitest'
import { closestName, editDistance } from './closest-name.ts'

describe('closestName', () => {
  it('measures typos, counting a swap of neighbours as one edit', () => {
    expect(editDistance('models', 'models')).toBe(0)
    expect(editDistance('modles', 'models')).toBe(1)
    expect(editDistance('alowedModels', 'allowedModels')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('suggests only a close candidate', () => {
    expect(closestName('apikey', ['name', 'type', 'apiKey'])).toBe('apiKey')
    expect(closestName('wieght', ['provider', 'model', 'weight'])).toBe('weight')
    expect(closestName('colour', ['name', 'displayName'])).toBeUndefined()
  })
})
