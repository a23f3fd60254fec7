/**
 * A TCP port on 127.0.0.1 where no connection is ever established: a socket
 * that listens (backlog 0) and never accepts, its queue filled by one
 * connection, so the kernel drops every further SYN, as with a host that
 * stopped answering. Made with libc through bun:ffi (Bun's servers accept at once).
 */
export async function unansweredPort(): Promise<{ port: number; close(): void }> {
  const { dlopen, FFIType, ptr } = await import("bun:ffi");
  const lib = dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
    listen: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    getsockname: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  });
  const fd = lib.symbols.socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
  // struct sockaddr_in: family 2, port 0 (any), 127.0.0.1
  const addr = new Uint8Array([2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  if (fd < 0 || lib.symbols.bind(fd, ptr(addr), 16) !== 0 || lib.symbols.listen(fd, 0) !== 0) throw new Error("cannot make a listening socket");
  lib.symbols.getsockname(fd, ptr(addr), ptr(new Uint32Array([16])));
  const port = (addr[2]! << 8) | addr[3]!;
  const filler = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
  return {
    port,
    close() {
      filler.end();
      lib.symbols.close(fd);
    },
  };
}
