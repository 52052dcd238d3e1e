import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/chromium.ts';

// A port per run (workers inherit the environment), so two runs on one machine do not collide.
process.env.E2E_PORT ??= String(20_000 + (process.pid % 20_000));
const port = Number(process.env.E2E_PORT);
const executablePath = findChromium();

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // generous: a loaded CI machine runs these journeys several times slower than a laptop
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    timezoneId: 'UTC',
    locale: 'en-GB',
    trace: 'retain-on-failure',
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: 'zones.spec.ts',
      use: { ...devices['Desktop Chrome'], viewport: { width: 1400, height: 900 } },
    },
    // one journey where local time keeps daylight saving (the unit projects cover +05:30 too)
    {
      name: 'new-york',
      testMatch: 'zones.spec.ts',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1400, height: 900 },
        timezoneId: 'America/New_York',
      },
    },
  ],
  // The real server with its embedded simulator, serving the production build in dist/.
  webServer: {
    command: 'npx tsx server/main.ts',
    url: `http://127.0.0.1:${port}/api/health`,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      CLOUD_SDK_AK: '',
      CLOUD_SDK_SK: '',
      HUAWEICLOUD_SDK_AK: '',
      HUAWEICLOUD_SDK_SK: '',
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
