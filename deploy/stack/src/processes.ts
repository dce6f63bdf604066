// Process helpers for the local stack: spawn children whose output goes straight to a log file,
// stop them (signal, wait, then SIGKILL), wait for ports and conditions, and kill everything we
// started when the parent goes away.
//
// Children are spawned
//   - with stdout/stderr written by the child itself to an append-mode log file (no pipe through
//     Node, so a dying parent cannot wedge a child on a full or broken pipe);
//   - in their own process group (detached), so a terminal Ctrl-C reaches only the CLI, which then
//     stops things in its own order;
//   - on Linux, through `setpriv --pdeathsig <SIG>` when available, so the kernel signals the child
//     if this Node process dies without cleaning up (even on SIGKILL);
//   - recorded in a registry that killAllSync() empties from a process 'exit' handler.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  /** Short human name used in messages, e.g. "postgres" or "kafka". */
  readonly name: string;
  readonly pid: number | undefined;
  readonly logFile: string;
  /** Size of logFile when this child was started: tailFile(logFile, n, logOffset) shows only this run. */
  readonly logOffset: number;
  readonly process: ChildProcess;
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once the child has exited. */
  exitInfo(): ExitInfo | undefined;
  isRunning(): boolean;
}

export interface SpawnLoggedOptions {
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended to this file (created with its directory if needed). */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user/group (only meaningful when we are root). */
  uid?: number;
  gid?: number;
  /**
   * Signal the kernel sends to the child when this process dies (Linux, via setpriv).
   * Default SIGTERM; null disables it.
   */
  parentDeathSignal?: NodeJS.Signals | null;
  /** Signal killAllSync() sends to this child. Default SIGKILL. */
  emergencySignal?: NodeJS.Signals;
}

interface Registered {
  name: string;
  pid: number | undefined;
  isRunning(): boolean;
  emergencySignal: NodeJS.Signals;
}

const registry = new Set<Registered>();

let setprivPath: string | null | undefined;

/** Absolute path of an executable found on PATH, or undefined. */
export function which(command: string): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function parentDeathWrapper(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  if (setprivPath === undefined) {
    const found = which('setpriv');
    // --pdeathsig exists since util-linux 2.33; check the option rather than the version.
    setprivPath =
      found && spawnSync(found, ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig') ? found : null;
  }
  return setprivPath ?? undefined;
}

function openLog(logFile: string): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  return fs.openSync(logFile, 'a');
}

/** Start a child with stdout/stderr appended to opts.logFile and register it for killAllSync(). */
export function spawnLogged(opts: SpawnLoggedOptions): ManagedChild {
  const fd = openLog(opts.logFile);
  const logOffset = fs.fstatSync(fd).size;
  let child: ChildProcess;
  try {
    fs.writeSync(
      fd,
      `\n===== ${new Date().toISOString()} starting ${opts.name}: ${opts.command} ${opts.args.join(' ')}\n`,
    );
    const pdeathsig = opts.parentDeathSignal === undefined ? 'SIGTERM' : opts.parentDeathSignal;
    const wrapper = pdeathsig ? parentDeathWrapper() : undefined;
    const [command, args] = wrapper
      ? [wrapper, ['--pdeathsig', pdeathsig!.replace(/^SIG/, ''), '--', opts.command, ...opts.args]]
      : [opts.command, opts.args];
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      resolve(info);
    });
    child.once('error', (err) => {
      // spawn failure (ENOENT, EACCES...): no 'exit' follows.
      appendToLog(opts.logFile, `failed to start ${opts.name}: ${err.message}`);
      if (!info) {
        info = { code: -1, signal: null };
        resolve(info);
      }
    });
  });

  const managed: ManagedChild = {
    name: opts.name,
    pid: child.pid,
    logFile: opts.logFile,
    logOffset,
    process: child,
    exited,
    exitInfo: () => info,
    isRunning: () => info === undefined && child.pid !== undefined,
  };
  const entry: Registered = {
    name: managed.name,
    pid: managed.pid,
    isRunning: managed.isRunning,
    emergencySignal: opts.emergencySignal ?? 'SIGKILL',
  };
  registry.add(entry);
  void exited.then(() => registry.delete(entry));
  return managed;
}

/** Wait for the child to exit; resolves undefined on timeout. */
export async function waitForExit(child: ManagedChild, timeoutMs: number): Promise<ExitInfo | undefined> {
  const done = child.exitInfo();
  if (done) return done;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function signalChild(child: ManagedChild, signal: NodeJS.Signals): void {
  if (!child.isRunning() || child.pid === undefined) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

export interface StopOptions {
  /** First signal to send. Default SIGTERM. */
  signal?: NodeJS.Signals;
  /** How long to wait after the first signal. Default 20s. */
  timeoutMs?: number;
  /** Optional intermediate signal (e.g. SIGQUIT for postgres) tried before SIGKILL. */
  thenSignal?: NodeJS.Signals;
  thenTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Stop a child: send `signal`, wait up to `timeoutMs`, optionally send `thenSignal`, then SIGKILL.
 * Safe to call when the child has already exited, and more than once.
 */
export async function stopChild(child: ManagedChild, opts: StopOptions = {}): Promise<ExitInfo> {
  const already = child.exitInfo();
  if (already) return already;
  const signal = opts.signal ?? 'SIGTERM';
  const timeoutMs = opts.timeoutMs ?? 20_000;
  signalChild(child, signal);
  let info = await waitForExit(child, timeoutMs);
  if (info) return info;
  if (opts.thenSignal) {
    opts.log?.(`${child.name} (pid ${child.pid}) did not stop within ${timeoutMs} ms; sending ${opts.thenSignal}`);
    signalChild(child, opts.thenSignal);
    info = await waitForExit(child, opts.thenTimeoutMs ?? 5_000);
    if (info) return info;
  }
  opts.log?.(`${child.name} (pid ${child.pid}) did not stop in time; sending SIGKILL`);
  signalChild(child, 'SIGKILL');
  info = await waitForExit(child, 10_000);
  return info ?? { code: null, signal: 'SIGKILL' };
}

/**
 * Synchronously signal every child started through spawnLogged()/runCommand() that is still
 * running. Meant for a process 'exit' handler, where nothing asynchronous can run.
 * By default each child gets its emergency signal (SIGKILL unless it asked for another: postgres
 * uses SIGQUIT, its immediate shutdown; kafka SIGTERM, a controlled shutdown that finishes after we
 * are gone and spares the next start a ~10 s wait). `force` sends SIGKILL to all of them.
 */
export function killAllSync(force?: boolean): void {
  // `=== true`: process.on('exit', killAllSync) would pass the exit code here
  for (const child of registry) {
    if (child.isRunning() && child.pid !== undefined) {
      try {
        process.kill(child.pid, force === true ? 'SIGKILL' : child.emergencySignal);
      } catch {
        // already gone
      }
    }
  }
}

/** PIDs of the children started by this process that are still running. */
export function runningChildren(): Array<{ name: string; pid: number }> {
  const out: Array<{ name: string; pid: number }> = [];
  for (const child of registry) {
    if (child.isRunning() && child.pid !== undefined) out.push({ name: child.name, pid: child.pid });
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitForOptions {
  timeoutMs: number;
  /** First delay between attempts. Default 100 ms; doubles up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /**
   * Checked before every attempt; return a message to abort early (e.g. "the process exited"):
   * waitFor then throws an Error with exactly that message.
   */
  abortIf?: () => string | undefined;
}

/**
 * Poll `probe` until it returns a value other than undefined/false, or throw when the timeout
 * elapses (the message names `what` and the last probe error) or abortIf() reports a reason.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.intervalMs ?? 100;
  const maxDelay = opts.maxIntervalMs ?? 1_000;
  let lastError: unknown;
  for (;;) {
    const abort = opts.abortIf?.();
    if (abort) throw new Error(abort);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** True when a TCP connection to host:port succeeds within timeoutMs. */
export function canConnect(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Wait until something accepts TCP connections on host:port. */
export function waitForPort(host: string, port: number, opts: WaitForOptions): Promise<true> {
  return waitFor(`${host}:${port} to accept connections`, () => canConnect(host, port), opts);
}

/** True when host:port can be bound right now (nothing else is listening on it). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Best effort: "pid 123 (java ...)" for the process listening on a TCP port, via `ss -ltnpH`. */
export function describePortOwner(port: number): string | undefined {
  const ss = which('ss');
  if (!ss) return undefined;
  const res = spawnSync(ss, ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', timeout: 3_000 });
  if (res.status !== 0 || !res.stdout) return undefined;
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(res.stdout);
  if (!m) return undefined;
  const pid = Number(m[2]);
  const cmd = processCommandLine(pid);
  return `pid ${pid} (${cmd ? truncate(cmd, 160) : m[1]})`;
}

/** Throw a clear error when host:port is already taken. */
export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  if (await isPortFree(host, port)) return;
  const owner = describePortOwner(port);
  throw new Error(
    `cannot start ${what}: port ${host}:${port} is already in use${owner ? ` by ${owner}` : ''}. ` +
      `Stop whatever is listening there or choose another port.`,
  );
}

/** True when a process with this pid exists (including zombies and other users' processes). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process (arguments joined by spaces), from /proc; undefined if unknown. */
export function processCommandLine(pid: number): string | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}

/** Parent pid of a process, from /proc; undefined if unknown. */
export function parentPid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^PPid:\s+(\d+)/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** PIDs of live processes whose command line satisfies the predicate (Linux /proc scan). */
export function findProcesses(predicate: (cmdline: string, pid: number) => boolean): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const cmd = processCommandLine(pid);
    if (cmd && predicate(cmd, pid)) out.push(pid);
  }
  return out;
}

/**
 * Terminate a process we did not spawn ourselves (e.g. an orphan from a crashed run): send
 * `signal`, wait, then SIGKILL. Returns true when the process is gone.
 */
export async function terminatePid(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return !isProcessAlive(pid);
  }
  const gone = () => !isProcessAlive(pid) || isZombie(pid);
  try {
    await waitFor(`pid ${pid} to exit`, gone, { timeoutMs, intervalMs: 50, maxIntervalMs: 250 });
    return true;
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    await sleep(200);
    return gone();
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Last `lines` lines of a (possibly large) text file, ignoring everything before byte `fromOffset`
 * (e.g. ManagedChild.logOffset, to show only the current run); '' if it cannot be read.
 */
export function tailFile(file: string, lines = 40, fromOffset = 0): string {
  const maxBytes = 64 * 1024;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const start = Math.max(fromOffset, size - maxBytes, 0);
    const len = Math.max(size - start, 0);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, start);
    const text = buf.toString('utf8').replace(/\s+$/, '');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function appendToLog(logFile: string, line: string): void {
  try {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.appendFileSync(logFile, `${line}\n`);
  } catch {
    // logging must never break the caller
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Combined stdout+stderr, capped to the last 256 KiB. */
  output: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
  /** Also append the output to this file. */
  logFile?: string;
}

/**
 * Run a short-lived command to completion and capture its output (also appended to logFile).
 * Rejects only when the command cannot be started; check `code` for failures.
 * Kills the command (SIGKILL) when timeoutMs elapses. Registered for killAllSync() meanwhile.
 */
export function runCommand(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let finished = false;
    const limit = 256 * 1024;
    const logFd = opts.logFile ? openLog(opts.logFile) : undefined;
    if (logFd !== undefined) fs.writeSync(logFd, `\n===== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > limit) output = output.slice(-limit);
      if (logFd !== undefined && !finished) fs.writeSync(logFd, chunk);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const entry: Registered = {
      name: path.basename(command),
      pid: child.pid,
      isRunning: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined,
      emergencySignal: 'SIGKILL',
    };
    registry.add(entry);
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            output += `\n[killed after ${opts.timeoutMs} ms]\n`;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
    const finish = () => {
      if (finished) return false;
      finished = true;
      registry.delete(entry);
      if (timer) clearTimeout(timer);
      if (logFd !== undefined) fs.closeSync(logFd);
      return true;
    };
    child.once('error', (err) => {
      if (finish()) reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (finish()) resolve({ code, signal, output });
    });
  });
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
