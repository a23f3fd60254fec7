/**
 * Loaded before every test file (bunfig.toml): what palhm would write on the
 * host by default goes into this test run's own temp directory instead, so
 * no test leaves status records in /var/lib/palhm. A test that sets its own
 * PALHM_STATUS_DIR (or passes one to a child) still wins.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

if (!process.env.PALHM_STATUS_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "palhm-test-status-"));
  process.env.PALHM_STATUS_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
