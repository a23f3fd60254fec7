/** A task's copies on its backend: the store its descriptor opens, under the copy protocol. */
import type { BackendContext } from "../backends/descriptor.ts";
import type { ResolvedBackendParam } from "../backends/params.ts";
import { openStore } from "../backends/registry.ts";
import { Copies } from "./copies.ts";

export async function openCopies(param: ResolvedBackendParam, ctx: BackendContext): Promise<Copies> {
  return new Copies(await openStore(param, ctx), ctx);
}
