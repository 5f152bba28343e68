/** Random numpy-style index tuples for a shape, and a Python rendering of them for numpy references. */
import type { IndexItem } from '../../src/index.js';

/** A random index tuple for `shape`: ints, slices (negative steps too), newaxis, ellipsis, arrays, masks. */
export function randomItems(shape: readonly number[], rng: () => number): IndexItem[] {
  const pick = (n: number): number => Math.floor(rng() * n);
  const items: IndexItem[] = [];
  const useMask = rng() < 0.2;
  const arrayLength = 1 + pick(3);
  let maskUsed = false;
  for (let axis = 0; axis < shape.length; axis++) {
    const n = shape[axis]!;
    if (rng() < 0.15) items.push(null);
    const kind = rng();
    if (useMask && !maskUsed && kind < 0.4) {
      maskUsed = true;
      items.push(Array.from({ length: n }, () => rng() < 0.6));
    } else if (kind < 0.25) {
      items.push(pick(2 * n) - n);
    } else if (kind < 0.55) {
      const bound = (): number | null => (rng() < 0.3 ? null : pick(2 * n + 3) - n - 1);
      const steps = [null, 1, 2, -1, -2];
      items.push({ start: bound(), stop: bound(), step: steps[pick(steps.length)]! });
    } else if (kind < 0.8 && !useMask) {
      items.push(Array.from({ length: arrayLength }, () => pick(2 * n) - n));
    } else {
      items.push(':');
    }
  }
  if (rng() < 0.15) items.push(null);
  // Replace a run of trailing full slices by an ellipsis sometimes (numpy fills them back in).
  if (rng() < 0.3) {
    let cut = items.length;
    while (cut > 0 && items[cut - 1] === ':') cut--;
    items.splice(cut, items.length - cut, '...');
  }
  return items;
}

/** The items as the text of a Python index tuple, e.g. `[1, ::-1, None, ...]` → `1, ::-1, None, ...`. */
export function toPython(items: readonly IndexItem[]): string {
  const one = (it: IndexItem): string => {
    if (it === null) return 'None';
    if (typeof it === 'number') return String(it);
    if (typeof it === 'string') return it;
    if (Array.isArray(it)) return `np.array(${JSON.stringify(it).replace(/true/g, 'True').replace(/false/g, 'False')})`;
    const s = it as { start?: number | null; stop?: number | null; step?: number | null };
    const f = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
    return `${f(s.start)}:${f(s.stop)}:${f(s.step)}`;
  };
  return items.map(one).join(', ') + (items.length === 1 ? ',' : '');
}
