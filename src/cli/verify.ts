/** `tapegrad verify`: placeholder until the module lands. */
export async function run(_args: string[]): Promise<number> {
  console.error('tapegrad verify: not implemented yet');
  return 1;
}
