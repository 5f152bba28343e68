/** `tapegrad graph`: placeholder until the module lands. */
export async function run(_args: string[]): Promise<number> {
  console.error('tapegrad graph: not implemented yet');
  return 1;
}
