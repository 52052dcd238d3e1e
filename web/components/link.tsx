import type { AnchorHTMLAttributes } from 'react';
import { linkClick } from '../lib/router.ts';

/** An `<a>` that navigates inside the SPA on a plain click and stays a real link otherwise. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      {...props}
      onClick={(e) => {
        props.onClick?.(e);
        linkClick(e);
      }}
    />
  );
}
