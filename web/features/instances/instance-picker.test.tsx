import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
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

const anInstance = (id: string, name: string) => ({
  id,
  name,
  status: 'RUNNING',
  engineVersion: '3.8.35',
  type: 'single',
  specification: 'c6.2u4g',
  region: 'cn-north-4',
  projectId: 'p1',
  createdAt: null,
});
const three = instanceListSchema.parse({
  failures: [],
  instances: [
    anInstance('00000000-0000-4000-8000-000000000001', 'prod-orders'),
    anInstance('00000000-0000-4000-8000-000000000002', 'prod-payments'),
    anInstance('00000000-0000-4000-8000-000000000003', 'staging-events'),
  ],
});

describe('InstancePicker', () => {
  it('names a project/region that could not be listed, why, and what to do', async () => {
    stubFetch(() => ({ body: list }));
    renderWithApp(<InstancePicker instanceId={list.instances[0]!.id} onSelect={() => {}} />);
    expect(await screen.findByText(/1 project\/region unavailable/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Instance/ }));
    const note = await screen.findByRole('note', { name: 'Projects that could not be listed' });
    expect(note.textContent).toContain('cn-east-3');
    expect(note.textContent).toContain('f'.repeat(32));
    expect(note.textContent).toContain('UPSTREAM_AUTH, APIGW.0301');
    expect(note.textContent).toContain('b'.repeat(32));
    expect(within(note).getByText('Bad credentials')).toBeTruthy();
    expect(note.textContent).toMatch(/Check CLOUD_SDK_AK/);
    // the healthy target's instance is still there to pick
    expect(screen.getByRole('listbox').textContent).toContain('prod-orders');
  });

  it('shows no notice when every target answered', async () => {
    stubFetch(() => ({ body: { ...list, failures: [] } }));
    renderWithApp(<InstancePicker instanceId={list.instances[0]!.id} onSelect={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: /prod-orders/ }));
    await screen.findByRole('combobox');
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.queryByText(/unavailable/)).toBeNull();
  });

  it('is used from the keyboard alone: open, type ahead, arrow, Enter; Escape returns focus', async () => {
    stubFetch(() => ({ body: three }));
    const onSelect = vi.fn();
    renderWithApp(<InstancePicker instanceId={three.instances[0]!.id} onSelect={onSelect} />);
    const button = await screen.findByRole('button', { name: /prod-orders/ });
    button.focus();
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    const input = await screen.findByRole('combobox', { name: 'Search instances by name or id' });
    await waitFor(() => expect(document.activeElement).toBe(input));
    const listbox = screen.getByRole('listbox');
    expect(within(listbox).getAllByRole('option')).toHaveLength(3);

    fireEvent.change(input, { target: { value: 'prod' } });
    await waitFor(() => expect(within(listbox).getAllByRole('option')).toHaveLength(2));
    const highlighted = () => document.getElementById(input.getAttribute('aria-activedescendant') ?? '')?.textContent;
    await waitFor(() => expect(highlighted()).toMatch(/^prod-orders/));
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    await waitFor(() => expect(highlighted()).toMatch(/^prod-payments/));
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith(three.instances[1]!.id);
    await waitFor(() => expect(screen.queryByRole('combobox')).toBeNull());
    expect(document.activeElement).toBe(button);

    fireEvent.click(button);
    const again = await screen.findByRole('combobox');
    fireEvent.keyDown(again, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('combobox')).toBeNull());
    expect(document.activeElement).toBe(button);
    expect(onSelect).toHaveBeenCalledTimes(1);
  });
});
