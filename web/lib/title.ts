import { useEffect } from 'react';

const APP = 'DMS Task Console';

/** Names the tab after what it shows (`prod-orders · status FAILED · last 7d · DMS Task Console`). */
export const useDocumentTitle = (...parts: (string | undefined)[]) => {
  const title = [...parts.filter(Boolean), APP].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
};
