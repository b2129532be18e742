export { bedrockAdapter, createBedrockAdapter } from './bedrock-adapter.ts'
