const KEY = 'dms-console.last-instance';

export const readLastInstance = (): string | undefined => {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
};

export const rememberInstance = (id: string) => {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    // storage may be disabled: the URL still carries the instance
  }
};
