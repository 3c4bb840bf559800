using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BqBackup.IO
{
    /// <summary>
    /// The calls that never go through a symbolic link: statx without following, open with
    /// O_NOFOLLOW (never with O_CREAT here: open is variadic, and a mode passed through P/Invoke
    /// is not read right on every ABI), linkat without AT_SYMLINK_FOLLOW, and the f* calls on a
    /// descriptor we hold. Linux is the platform these are written and tested for; where a call
    /// is missing (macOS has no statx) the callers fall back to what .NET offers.
    /// </summary>
    internal static partial class NativeFile
    {
        public static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        [DllImport("libc", SetLastError = true, EntryPoint = "open")]
        private static extern int open(string path, int flags, int mode);

        [DllImport("libc", SetLastError = true, EntryPoint = "flock")]
        private static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true, EntryPoint = "fchmod")]
        private static extern int fchmod(int fd, uint mode);

        [DllImport("libc", SetLastError = true, EntryPoint = "fchown")]
        private static extern int fchown(int fd, uint owner, uint group);

        [DllImport("libc", SetLastError = true, EntryPoint = "linkat")]
        private static extern int linkat(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

        [DllImport("libc", SetLastError = true, EntryPoint = "unlink")]
        private static extern int unlink(string path);

        [DllImport("libc", SetLastError = true, EntryPoint = "mkdir")]
        private static extern int mkdir(string path, uint mode);

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint geteuid();

        private static int AtFdCwd => IsMac ? -2 : -100;
        private const int AT_SYMLINK_NOFOLLOW = 0x100;
        private const int AT_EMPTY_PATH = 0x1000;
        private const uint STATX_BASIC_STATS = 0x7ff;
        private const int LOCK_EX = 2, LOCK_NB = 4;

        private static bool IsArm => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm;
        private static int O_NOFOLLOW => IsMac ? 0x100 : IsArm ? 0x8000 : 0x20000;
        private static int O_CLOEXEC => IsMac ? 0x1000000 : 0x80000;
        private static int O_NONBLOCK => IsMac ? 0x4 : 0x800;
        private static int O_NOCTTY => IsMac ? 0x20000 : 0x100;
        private const int O_RDONLY = 0, O_RDWR = 2;

        public static int ErrnoLoop => IsMac ? 62 : 40;
        public static int ErrnoWouldBlock => IsMac ? 35 : 11;
        public const int ErrnoNoEntry = 2, ErrnoExists = 17;

        /// <summary>The effective user id, or null on Windows.</summary>
        public static uint? EffectiveUserId()
        {
            if (IsWindows) return null;
            try { return geteuid(); }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        /// <summary>The file at <paramref name="path"/> itself (a link is a link), or null if nothing is there or statx is missing.</summary>
        public static FileStatus? LStat(string path) => StatPath(path, AT_SYMLINK_NOFOLLOW);

        /// <summary>The file <paramref name="path"/> leads to (links followed), or null.</summary>
        public static FileStatus? Stat(string path) => StatPath(path, 0);

        private static FileStatus? StatPath(string path, int flags)
        {
            if (IsWindows) return null;
            try
            {
                var buffer = new byte[256];
                return statx(AtFdCwd, path, flags, STATX_BASIC_STATS, buffer) == 0 ? FileStatus.FromStatx(buffer) : (FileStatus?)null;
            }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        /// <summary>The file an open descriptor refers to, or null where statx is missing.</summary>
        public static FileStatus? FStat(SafeFileHandle handle)
        {
            if (IsWindows) return null;
            try
            {
                var buffer = new byte[256];
                return statx(Fd(handle), string.Empty, AT_EMPTY_PATH, STATX_BASIC_STATS, buffer) == 0 ? FileStatus.FromStatx(buffer) : (FileStatus?)null;
            }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        private static int Fd(SafeFileHandle handle) => handle.DangerousGetHandle().ToInt32();

        /// <summary>
        /// Opens an existing file without following a link at its name (ELOOP, reported as
        /// LinkRefused) and without blocking on a FIFO or taking a terminal. Unix only.
        /// </summary>
        public static SafeFileHandle OpenNoFollow(string path, bool write)
        {
            var fd = open(path, (write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
            if (fd >= 0) return new SafeFileHandle(new IntPtr(fd), ownsHandle: true);
            var errno = Marshal.GetLastWin32Error();
            if (errno == ErrnoLoop) throw LinkRefused(path);
            if (errno == ErrnoNoEntry) throw new FileNotFoundException($"'{path}' does not exist.", path);
            throw new IOException($"Cannot open '{path}': {new Win32Exception(errno).Message}", errno);
        }

        /// <summary>flock(LOCK_EX|LOCK_NB): false when another open file holds it.</summary>
        public static bool TryLockExclusive(SafeFileHandle handle)
        {
            if (flock(Fd(handle), LOCK_EX | LOCK_NB) == 0) return true;
            var errno = Marshal.GetLastWin32Error();
            if (errno == ErrnoWouldBlock) return false;
            throw new IOException($"Cannot lock: {new Win32Exception(errno).Message}", errno);
        }

        /// <summary>chmod on the descriptor: what the name leads to now does not matter.</summary>
        public static void SetMode(SafeFileHandle handle, uint mode)
        {
            if (IsWindows) return;
            if (fchmod(Fd(handle), mode) != 0)
                throw new IOException($"Cannot set the permissions: {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }

        /// <summary>Unlinks a name (a link itself, never what it points to); false if it could not.</summary>
        public static bool TryUnlink(string path)
        {
            if (IsWindows)
            {
                try { File.Delete(path); return true; }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
            }
            return unlink(path) == 0;
        }

        /// <summary>
        /// The error for a link (or another special file) found at a name we create or replace:
        /// someone who may write to that folder put it there, and it is never followed.
        /// </summary>
        public static BqBackupException LinkRefused(string path)
        {
            var target = ReadLink(path);
            var what = target != null ? $"a symbolic link to '{target}'" : "a link or special file";
            var folder = Path.GetDirectoryName(path);
            return new BqBackupException(ErrorIds.LinkRefused, BqErrorCategory.SecurityError,
                $"'{path}' is {what}, at a name BqBackup creates for itself; it was not followed and nothing was written through it.",
                path, $"Someone who can write to '{folder}' put it there: find out who, remove it, and run again.");
        }
    }
}
