// Jest runs the TypeScript sources as ES modules through ts-jest.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__', '<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  testTimeout: 30000,
  // Most of the suite's time is end-to-end runs waiting on timers and the emulator, not computing: four
  // files at once on 2 cores overlap those waits. Jest's default there is one (cores - 1), which ran every
  // file in turn. Measured: CONTRIBUTING.md.
  maxWorkers: 4,
  verbose: false
}
