import type { RunnerSort, RunnerSortKey } from '../runner-sort';

/** A column header that sorts the table: a button inside the `th`, whose `aria-sort` says the current order. */
export function SortHeader({
  column,
  label,
  sort,
  onSort,
}: {
  column: RunnerSortKey;
  label: string;
  sort: RunnerSort;
  onSort: (column: RunnerSortKey) => void;
}) {
  const active = sort.key === column;
  const arrow = !active ? '↕' : sort.direction === 'ascending' ? '▲' : '▼';
  return (
    <th scope="col" aria-sort={active ? sort.direction : 'none'}>
      <button type="button" class="sort-button" onClick={() => onSort(column)}>
        {label}
        <span class="sort-arrow" aria-hidden="true">
          {arrow}
        </span>
      </button>
    </th>
  );
}
