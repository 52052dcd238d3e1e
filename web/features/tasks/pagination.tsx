import { memo } from 'react';
import { PAGE_SIZES } from './constants.ts';

export const Pagination = memo(function Pagination({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number, pageSize: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const last = Math.min(total, page * pageSize);
  const first = Math.min(total === 0 ? 0 : (page - 1) * pageSize + 1, last);
  const sizes = (PAGE_SIZES as readonly number[]).includes(pageSize)
    ? PAGE_SIZES
    : [...PAGE_SIZES, pageSize].sort((a, b) => a - b);
  return (
    <nav className="pagination" aria-label="Pages">
      <p className="pagination__count" aria-live="polite">
        {first.toLocaleString('en')}–{last.toLocaleString('en')} of <strong>{total.toLocaleString('en')}</strong> tasks
      </p>
      <label className="pagination__size">
        Rows per page
        <select className="input" value={pageSize} onChange={(e) => onPage(1, Number(e.target.value))}>
          {sizes.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <div className="button-group">
        <button
          type="button"
          className="button"
          disabled={page <= 1}
          onClick={() => onPage(1, pageSize)}
          aria-label="First page"
        >
          «
        </button>
        <button
          type="button"
          className="button"
          disabled={page <= 1}
          onClick={() => onPage(page - 1, pageSize)}
          aria-label="Previous page"
          aria-keyshortcuts="ArrowLeft"
        >
          ‹ Prev
        </button>
        <span className="pagination__page">
          Page {page.toLocaleString('en')} of {pages.toLocaleString('en')}
        </span>
        <button
          type="button"
          className="button"
          disabled={page >= pages}
          onClick={() => onPage(page + 1, pageSize)}
          aria-label="Next page"
          aria-keyshortcuts="ArrowRight"
        >
          Next ›
        </button>
        <button
          type="button"
          className="button"
          disabled={page >= pages}
          onClick={() => onPage(pages, pageSize)}
          aria-label="Last page"
        >
          »
        </button>
      </div>
    </nav>
  );
});
