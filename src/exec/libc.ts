/**
 * The few C library calls Bun does not expose: pipe2(2), so pipelines can be
 * joined by kernel pipes, fcntl(2), to enlarge those pipes, fallocate(2), for
 * preallocating objects, and prctl(2), so palhm adopts the orphans of the
 * processes it started.
 * Loaded on first use.
 */
type Libc = {
  pipe2(fds: Int32Array, flags: number): number;
  fallocate(fd: number, mode: number, offset: number, len: number): number;
  /** prctl(2) with one argument (the others 0). */
  prctl(option: number, arg: number): number;
  /** fcntl(fd, cmd, int arg). */
  fcntl(fd: number, cmd: number, arg: number): number;
};

let _libc: Libc | undefined;

export async function libc(): Promise<Libc> {
  if (_libc) return _libc;
  const { dlopen, FFIType, ptr } = await import("bun:ffi");
  const symbols = {
    pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    fallocate: { args: [FFIType.i32, FFIType.i32, FFIType.i64, FFIType.i64], returns: FFIType.i32 },
    prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  } as const;
  let lastError: unknown;
  for (const name of ["libc.so.6", "libc.so", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"]) {
    try {
      const lib = dlopen(name, symbols);
      _libc = {
        pipe2: (fds, flags) => lib.symbols.pipe2(ptr(fds), flags) as number,
        fallocate: (fd, mode, offset, len) => lib.symbols.fallocate(fd, mode, offset, len) as number,
        prctl: (option, arg) => lib.symbols.prctl(option, BigInt(arg), 0n, 0n, 0n) as number,
        fcntl: (fd, cmd, arg) => lib.symbols.fcntl(fd, cmd, arg) as number,
      };
      return _libc;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`cannot load the C library: ${(lastError as Error)?.message}`);
}
