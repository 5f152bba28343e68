/** The one Vite build-time API the page uses: `import.meta.glob` finds the optional numpy mode. */
interface ImportMeta {
  glob<T>(pattern: string, options: { eager: true }): Record<string, T>;
}
