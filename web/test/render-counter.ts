/**
 * Counts the renders of each component by name, through the hook React DevTools use: React calls
 * it at every commit with the committed tree. Install it before react-dom loads (in the test
 * file's `vi.hoisted`). A component rendered in a commit is a fiber that did not come unchanged
 * from the last commit (React reuses the skipped ones) and that ran its function (React marks it
 * PerformedWork; a memo that bailed out did not).
 */
interface Fiber {
  type: unknown;
  child: Fiber | null;
  sibling: Fiber | null;
  alternate: Fiber | null;
  flags: number;
}
const PERFORMED_WORK = 1;

export const installRenderCounter = () => {
  const counts = new Map<string, number>();
  let previous = new Set<Fiber>();
  const onCommitFiberRoot = (_renderer: number, root: { current: Fiber }) => {
    const seen = new Set<Fiber>();
    const stack = [root.current];
    while (stack.length) {
      const fiber = stack.pop()!;
      seen.add(fiber);
      const rendered = !previous.has(fiber) && (fiber.alternate === null || (fiber.flags & PERFORMED_WORK) !== 0);
      if (rendered && typeof fiber.type === 'function' && fiber.type.name)
        counts.set(fiber.type.name, (counts.get(fiber.type.name) ?? 0) + 1);
      if (fiber.sibling) stack.push(fiber.sibling);
      if (fiber.child) stack.push(fiber.child);
    }
    previous = seen;
  };
  (globalThis as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    onCommitFiberRoot,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    checkDCE: () => undefined,
  };
  return {
    /** Renders of the component named `name` since the last reset. */
    of: (name: string) => counts.get(name) ?? 0,
    reset: () => counts.clear(),
  };
};
