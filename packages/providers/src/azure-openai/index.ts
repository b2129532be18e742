export { azureDeploymentUrl, azureOpenAIAdapter } from './azure-openai-adapter.ts'
