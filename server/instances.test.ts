import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDmsClient } from './dms/client.ts';
import { createInstanceDirectory } from './instances.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const directory = () =>
  createInstanceDirectory([
    {
      projectId: sim.projectId,
      region: 'simulator',
      client: createDmsClient({ endpoint: sim.url, projectId: sim.projectId, credentials: { ak: sim.ak, sk: sim.sk } }),
    },
  ]);

describe('instance directory', () => {
  it('gives createdAt null, not an error, for a created_at no Date can hold', async () => {
    const instance = sim.data.instances[0]!;
    const original = instance.created_at;
    instance.created_at = '1e17';
    try {
      const listed = await directory().list();
      expect(listed.find((i) => i.id === instance.instance_id)?.createdAt).toBeNull();
      expect(listed.filter((i) => i.id !== instance.instance_id).every((i) => i.createdAt !== null)).toBe(true);
    } finally {
      instance.created_at = original;
    }
  });
});
