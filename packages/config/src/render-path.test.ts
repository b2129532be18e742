import { describe, expect, it } from 'vitest'
import { renderPath } from './render-path.ts'

describe('renderPath', () => {
  it('renders paths the way people read them', () => {
    expect(renderPath(['models', 2, 'deployments', 0, 'provider'])).toBe('models[2].deployments[0].provider')
    expect(renderPath(['keys', 0, 'tags', 'cost-center'])).toBe('keys[0].tags.cost-center')
    expect(renderPath(['keys', 0, 'tags', 'team/ml'])).toBe('keys[0].tags["team/ml"]')
    expect(renderPath([])).toBe('(root)')
  })
})
