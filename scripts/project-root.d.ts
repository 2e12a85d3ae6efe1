/** The directory of scf-release's package.json (from the sources or from dist/). */
export const projectRoot: string;
