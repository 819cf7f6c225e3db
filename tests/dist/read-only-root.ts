/**
 * A command prefix that runs a program as PID 1 of new PID and mount namespaces in which every
 * filesystem is read-only except one directory (the data directory). It refuses to start the
 * program (exit 97) when its own working directory is still writable, so a sandbox that silently
 * failed to take hold cannot make a test pass.
 */
const SCRIPT = `
set -eu
data="$1"; shift
mount --make-rprivate /
mount --bind "$data" "$data"
for m in $(awk '{print $5}' /proc/self/mountinfo | sort -u); do
  case "$m" in
    "$data"|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;;
  esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
if touch .jobd-write-probe 2>/dev/null; then echo "sandbox: the working directory is still writable" >&2; exit 97; fi
if touch "\${TMPDIR:-/tmp}/.jobd-write-probe" 2>/dev/null; then echo "sandbox: TMPDIR is still writable" >&2; exit 97; fi
exec "$@"
`;

/** `[...readOnlyRoot(dataDir), binary, "serve", …]` */
export function readOnlyRoot(dataDir: string): string[] {
  return ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "sh", "-c", SCRIPT, "read-only-root", dataDir];
}
