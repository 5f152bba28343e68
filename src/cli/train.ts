/** `tapegrad train`: placeholder until the module lands. */
export async function run(_args: string[]): Promise<number> {
  console.error('tapegrad train: not implemented yet');
  return 1;
}
