/** A page of its own for the numpy mode (until the playground's main page wires the mode in): a preset picker and the panel. */
import { NUMPY_PRESETS, mountNumpyMode } from './mode.js';

const select = document.getElementById('preset') as HTMLSelectElement;
const status = document.getElementById('status')!;
const mode = mountNumpyMode(document.getElementById('numpy')!, {
  onStatus(text, bad = false) {
    status.textContent = text;
    status.className = bad ? 'bad' : '';
  },
});
for (const p of NUMPY_PRESETS) select.append(new Option(p.title, p.id));
const pick = (): void => mode.load(NUMPY_PRESETS.find((p) => p.id === select.value) ?? NUMPY_PRESETS[0]!);
select.addEventListener('change', () => {
  pick();
  select.blur();
});
const wanted = new URLSearchParams(location.search).get('preset');
if (wanted !== null && NUMPY_PRESETS.some((p) => p.id === wanted)) select.value = wanted;
pick();
document.body.dataset['ready'] = 'true';
