/** The manifest written last into a copy: it marks the copy complete and lets it be verified. */
export interface ManifestObject {
  /** Path inside the copy. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** Lower-case hex SHA-256 of the object's bytes. */
  readonly sha256: string;
}

export interface Manifest {
  /** Format version of this document. */
  readonly format: 1;
  readonly task: string;
  readonly host: string;
  readonly prefix: string;
  /** ISO-8601 UTC. */
  readonly start: string;
  readonly end: string;
  /** palhm version that wrote it. */
  readonly version: string;
  readonly objects: readonly ManifestObject[];
  /** A replica's origin: the backup task and root it was copied from (replicate tasks). */
  readonly replicaOf?: { readonly task: string; readonly location: string };
  /** Why the sizes and digests were not checked against a source manifest (a replica of a legacy copy). */
  readonly unverified?: string;
}

export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 2) + "\n");
}

/** Parses a manifest; throws a plain Error naming what is wrong. */
export function decodeManifest(bytes: Uint8Array | string): Manifest {
  const text = typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes);
  const m = JSON.parse(text) as Manifest;
  if (m?.format !== 1 || typeof m.task !== "string" || !Array.isArray(m.objects)) {
    throw new Error("not a palhm manifest (format 1)");
  }
  for (const o of m.objects) {
    if (typeof o.path !== "string" || typeof o.size !== "number" || !/^[0-9a-f]{64}$/.test(o.sha256)) {
      throw new Error(`manifest entry ${JSON.stringify(o)} is malformed`);
    }
  }
  return m;
}
