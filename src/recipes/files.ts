/** Directory trees: GNU tar with extended attributes and ACLs, restored by `tar -x`. */
import { filtered, flags, recipeError, type RecipeObject, type RecipeOptions } from "./object.ts";

export interface FilesOptions<G extends string> extends RecipeOptions<G> {
  /** Object path in the copy. @example "files/srv.tar" */
  path: string;
  /** Files and directories to archive, absolute or relative to `directory`; stored relative to it. */
  paths: readonly string[];
  /** The directory paths are taken from and restored into. @default "/" */
  directory?: string;
  /** On restore, extract here instead of `directory` (e.g. to compare before replacing). */
  restoreTo?: string;
  /** Patterns left out (`tar --exclude`, matching any part of a path), e.g. `["*.log", "/srv/www/cache"]`; an absolute one is taken relative to `directory`, as the paths are. */
  exclude?: readonly string[];
  /** Do not cross into other file systems (`--one-file-system`). @default false */
  oneFileSystem?: boolean;
  /** Keep extended attributes (SELinux labels, capabilities) and POSIX ACLs. @default true */
  xattrs?: boolean;
}

function _relative(directory: string, path: string): string {
  const dir = directory.endsWith("/") ? directory : `${directory}/`;
  if (!path.startsWith("/")) return path;
  if (path === directory || `${path}/` === dir) return ".";
  if (!path.startsWith(dir)) throw recipeError("files", `${path} is not under directory ${directory}`);
  return path.slice(dir.length);
}

/**
 * `tar --create` of the paths, relative to `directory`. A file changed while
 * it was read is accepted (tar's exit 1), as PALHM's tar exec did: a live host
 * always has some; restore with `tar --extract` into `directory` or `restoreTo`.
 */
export function files<const G extends string = "default">(options: FilesOptions<G>): RecipeObject<G> {
  if (options.paths.length === 0) throw recipeError("files", "paths is empty");
  const directory = options.directory ?? "/";
  const members = options.paths.map((p) => _relative(directory, p));
  const attrs = options.xattrs === false ? [] : ["--xattrs", "--xattrs-include=*", "--acls"];
  const create = [
    "tar",
    "--create",
    "--file=-",
    `--directory=${directory}`,
    ...attrs,
    "--sparse",
    ...(options.oneFileSystem ? ["--one-file-system"] : []),
    "--warning=no-file-changed",
    "--warning=no-file-removed",
    ...(options.exclude ?? []).map((e) => `--exclude=${_relative(directory, e)}`),
    "--",
    ...members,
  ] as const;
  const extract = ["tar", "--extract", "--file=-", ...flags({ directory: options.restoreTo ?? directory }), ...attrs, "--preserve-permissions"] as const;
  return filtered({ path: options.path, dump: [{ argv: create, ec: "<2" }], load: [{ argv: extract }] }, options);
}
