/**
 * Type tests of the rclone backend's parameters (checked by `tsc --noEmit -p .`):
 * the documented type is pinned to the valibot schema, and a wrong or missing
 * parameter is an error in the editor.
 */
import type * as v from "valibot";
import { defineConfig, type RcloneBackendParam } from "palhm";
import type { rcloneSchema } from "../../src/backends/rclone/params.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const pinned = <T extends true>(): T => true as T;

// The documented type and the schema accept the same values.
pinned<Equal<RcloneBackendParam, v.InferInput<typeof rcloneSchema>>>();

export const sftp = defineConfig({
  tasks: {
    offsite: {
      type: "backup",
      backend: { type: "rclone", remote: "offsite:backups/web1", config: "/etc/palhm/rclone.conf", flags: ["--bwlimit", "20M"], nbCopyLimit: 14 },
      objects: [],
    },
    minimal: { type: "backup", backend: { type: "rclone", remote: "b2:bucket/web1" }, objects: [] },
  },
});

export const noRemote = defineConfig({
  tasks: {
    // @ts-expect-error `remote` is required
    b: { type: "backup", backend: { type: "rclone", config: "/etc/palhm/rclone.conf" }, objects: [] },
  },
});

export const flagsAsString = defineConfig({
  tasks: {
    // @ts-expect-error flags are a list, one argument each
    b: { type: "backup", backend: { type: "rclone", remote: "x:y", flags: "--bwlimit 20M" }, objects: [] },
  },
});

export const rootOfLocalfs = defineConfig({
  tasks: {
    // @ts-expect-error a parameter of another backend
    b: { type: "backup", backend: { type: "rclone", remote: "x:y", root: "/var/backups" }, objects: [] },
  },
});
