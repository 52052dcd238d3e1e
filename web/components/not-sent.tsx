/** Where DMS left a field out (every task field is optional upstream): said in words, never blank. */
export function NotSent({ what }: { what: string }) {
  return (
    <span className="not-sent" title={`DMS sent no ${what} for this task`}>
      no {what}
    </span>
  );
}
