import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type InstanceList, instanceListSchema } from '../../../shared/instance.ts';
import { renderWithApp, stubFetch } from '../../test/render.tsx';
import { InstancePicker } from './instance-picker.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const list: InstanceList = instanceListSchema.parse({
  instances: [
    {
      id: '11111111-2222-4333-8444-555555555555',
      name: 'prod-orders',
      status: 'RUNNING',
      engineVersion: '3.8.35',
      type: 'cluster',
      specification: 'rabbitmq.4u8g.cluster',
      region: 'cn-north-4',
      projectId: 'a'.repeat(32),
      createdAt: null,
    },
  ],
  failures: [
    {
      projectId: 'f'.repeat(32),
      region: 'cn-east-3',
      endpoint: 'https://dms.cn-east-3.myhuaweicloud.com',
      error: {
        code: 'UPSTREAM_AUTH',
        message: 'DMS ListInstancesDetails answered 401 APIGW.0301: Incorrect IAM authentication information',
        upstream: { status: 401, errorCode: 'APIGW.0301', errorMsg: 'Incorrect IAM', requestId: 'b'.repeat(32) },
      },
    },
  ],
});

describe('InstancePicker', () => {
  it('names a project/region that could not be listed, why, and what to do', async () => {
    stubFetch(() => ({ body: list }));
    renderWithApp(<InstancePicker instanceId={list.instances[0]!.id} onSelect={() => {}} />);
    expect(await screen.findByText(/1 project\/region unavailable/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Instance/ }));
    const note = screen.getByRole('note', { name: 'Projects that could not be listed' });
    expect(note.textContent).toContain('cn-east-3');
    expect(note.textContent).toContain('f'.repeat(32));
    expect(note.textContent).toContain('UPSTREAM_AUTH, APIGW.0301');
    expect(note.textContent).toContain('b'.repeat(32));
    expect(within(note).getByText('Bad credentials')).toBeTruthy();
    expect(note.textContent).toMatch(/Check CLOUD_SDK_AK/);
    // the healthy target's instance is still there to pick
    expect(screen.getByRole('list', { name: 'Instances' }).textContent).toContain('prod-orders');
  });

  it('shows no notice when every target answered', async () => {
    stubFetch(() => ({ body: { ...list, failures: [] } }));
    renderWithApp(<InstancePicker instanceId={list.instances[0]!.id} onSelect={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: /prod-orders/ }));
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.queryByText(/unavailable/)).toBeNull();
  });
});
