/** Opening a task's backend from its resolved parameters. Heavy backends (S3) are imported only when used. */
import type { ResolvedBackendParam } from "../config/resolved.ts";
import type { Backend, BackendContext } from "./types.ts";

export async function openBackend(param: ResolvedBackendParam, ctx: BackendContext): Promise<Backend> {
  switch (param.type) {
    case "null":
      return (await import("./null.ts")).createBackend(param, ctx);
    case "localfs":
      return (await import("./localfs.ts")).createBackend(param, ctx);
    case "aws-s3": {
      const { createBackend } = await import("./s3.ts");
      return createBackend(param, ctx);
    }
    case "custom":
      return param.impl;
  }
}
