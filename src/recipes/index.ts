/**
 * `palhm/recipes`: typed helpers that return ready backup objects (pipeline
 * and restore pipeline) for databases and file trees, and the filters they go
 * through.
 *
 *   import { mysql, postgres, files, zstd, age } from "palhm/recipes";
 *   const enc = [zstd(), age({ recipientsFile: "/etc/palhm/age.pub" })];
 *   objects: [...mysql({ databases: ["site"], through: enc }), files({ path: "srv.tar", paths: ["/srv"], through: enc })]
 */
export { mysql, type MysqlOptions } from "./mysql.ts";
export { postgres, type PostgresOptions } from "./postgres.ts";
export { sqlite, type SqliteOptions } from "./sqlite.ts";
export { files, type FilesOptions } from "./files.ts";
export { zstd, xz, gzip, age, gpg, type ZstdOptions, type XzOptions, type GzipOptions, type AgeOptions, type GpgOptions } from "./filters.ts";
export { filtered, type Filter, type RecipeObject, type RecipeOptions, type Source, type Pipeline } from "./object.ts";
