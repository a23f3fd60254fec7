/**
 * Where a config object was defined. `defineConfig` stamps each config with
 * the file that called it, so an included TS config (an object, imported)
 * can still be named in merge errors ("defined twice: in A and in B").
 */
export const CONFIG_SOURCE: unique symbol = Symbol.for("palhm.config.source") as never;

const FRAME = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/;

/** The file of the function that called the caller (from the stack), if it can be told. */
export function callerFile(depth = 2): string | undefined {
  const lines = (new Error().stack ?? "").split("\n").filter((l) => /^\s*at /.test(l));
  const m = FRAME.exec(lines[depth] ?? "");
  return m ? m[1]!.replace(/^file:\/\//, "") : undefined;
}

export function stampSource(config: object, file: string | undefined): void {
  if (!file || Object.prototype.hasOwnProperty.call(config, CONFIG_SOURCE) || !Object.isExtensible(config)) return;
  Object.defineProperty(config, CONFIG_SOURCE, { value: file, enumerable: false });
}

export function sourceOf(config: object): string | undefined {
  return (config as { [CONFIG_SOURCE]?: string })[CONFIG_SOURCE];
}
