import { loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import { anthropicAdapter } from './anthropic-adapter.ts'

runAdapterContract('anthropic', anthropicAdapter, loadAdapterFixtures(new URL('./fixtures/', import.meta.url)))
