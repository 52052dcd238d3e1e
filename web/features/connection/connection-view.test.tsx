import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostics } from '../../../shared/diagnostics.ts';
import { renderWithApp, stubFetch } from '../../test/render.tsx';
import { ConnectionView } from './connection-view.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const report: Diagnostics = {
  mode: 'live',
  usable: false,
  checkedAt: '2026-11-29T16:00:00.000Z',
  targets: [
    {
      projectId: 'a'.repeat(32),
      region: 'cn-north-4',
      endpoint: 'https://dms.cn-north-4.myhuaweicloud.com',
      usable: false,
      checks: [
        { name: 'reachable', title: 'Endpoint reachable', status: 'ok', summary: 'answered.' },
        {
          name: 'credentials',
          title: 'Credentials accepted',
          status: 'fail',
          summary: 'The gateway refused the credentials: 401 APIGW.0301.',
          advice: 'Check CLOUD_SDK_AK / CLOUD_SDK_SK.',
        },
        { name: 'instances', title: 'Instances visible', status: 'skipped', summary: 'Not checked.' },
      ],
    },
  ],
};

describe('ConnectionView', () => {
  it('shows each check in words, with what to do about a failure', async () => {
    const calls = stubFetch(() => ({ body: report }));
    renderWithApp(<ConnectionView />);
    expect(await screen.findByText(/At least one target is not usable/)).toBeTruthy();
    expect(calls.map((u) => u.pathname)).toEqual(['/api/diagnostics']);
    const checks = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(checks).toEqual([
      'OKEndpoint reachable: answered.',
      'FailedCredentials accepted: The gateway refused the credentials: 401 APIGW.0301.What to do: Check CLOUD_SDK_AK / CLOUD_SDK_SK.',
      'Not checkedInstances visible: Not checked.',
    ]);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(`cn-north-4 · project ${'a'.repeat(32)}`);
  });
});
