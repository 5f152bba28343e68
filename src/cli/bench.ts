/** `tapegrad bench`: placeholder until the module lands. */
export async function run(_args: string[]): Promise<number> {
  console.error('tapegrad bench: not implemented yet');
  return 1;
}
