import { ENGINE_LABELS } from '../../../shared/contract.ts';
import type { Instance } from '../../../shared/instance.ts';

export function InstanceFacts({ instance }: { instance: Instance }) {
  return (
    <span className="instance-facts">
      <span className={`instance-status instance-status--${instance.status.toLowerCase()}`}>{instance.status}</span>
      <span>
        {ENGINE_LABELS[instance.engine] ?? instance.engine} {instance.engineVersion}
      </span>
      <span>{instance.type}</span>
    </span>
  );
}
