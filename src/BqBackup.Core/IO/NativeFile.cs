using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace BqBackup.IO
{
    /// <summary>
    /// The few file-system primitives netstandard2.0 lacks: private modes, atomic replace, hard
    /// links and link reading. Unix goes to libc; Windows to kernel32 where it has an equivalent.
    /// </summary>
    internal static class NativeFile
    {
        public static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        [DllImport("libc", SetLastError = true, EntryPoint = "chmod")]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc", SetLastError = true, EntryPoint = "rename")]
        private static extern int rename(string from, string to);

        [DllImport("libc", SetLastError = true, EntryPoint = "link")]
        private static extern int link(string existing, string newPath);

        [DllImport("libc", SetLastError = true, EntryPoint = "readlink")]
        private static extern IntPtr readlink(string path, byte[] buffer, IntPtr size);

        [DllImport("libc", SetLastError = true, EntryPoint = "chown")]
        private static extern int chown(string path, uint owner, uint group);

        // statx's buffer has one layout on every Linux architecture, unlike struct stat.
        [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
        private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "MoveFileExW")]
        private static extern bool MoveFileEx(string existing, string newName, int flags);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateHardLinkW")]
        private static extern bool CreateHardLink(string newName, string existing, IntPtr security);

        private const int MOVEFILE_REPLACE_EXISTING = 0x1;
        private const int MOVEFILE_WRITE_THROUGH = 0x8;

        /// <summary>Owner-only access (0600 for files, 0700 for folders). Windows temp and profile folders are private already.</summary>
        public static void MakePrivate(string path, bool isDirectory = false)
        {
            if (IsWindows) return;
            if (chmod(path, isDirectory ? 0x1C0u /* 0700 */ : 0x180u /* 0600 */) != 0)
                throw new IOException($"Cannot restrict the permissions of '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }

        /// <summary>Sets the permission bits (e.g. 0644 for a unit file); nothing on Windows.</summary>
        public static void SetMode(string path, uint mode)
        {
            if (IsWindows) return;
            if (chmod(path, mode) != 0)
                throw new IOException($"Cannot set the permissions of '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }

        /// <summary>The permission bits of a file, or null where they cannot be read (Windows, no statx).</summary>
        public static uint? TryGetMode(string path)
        {
            if (IsWindows) return null;
            try
            {
                var buffer = new byte[256];
                const int AT_FDCWD = -100;
                if (statx(AT_FDCWD, path, 0, 0x7ff /* STATX_BASIC_STATS */, buffer) != 0) return null;
                return BitConverter.ToUInt16(buffer, 28) & 0xFFFu;
            }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        /// <summary>Creates an empty file that only its owner can read, failing if it exists.</summary>
        public static FileStream CreatePrivate(string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None)
        {
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize, options);
            try
            {
                MakePrivate(path);
                return stream;
            }
            catch
            {
                stream.Dispose();
                TryDelete(path);
                throw;
            }
        }

        /// <summary>Renames, replacing the destination atomically if it exists.</summary>
        public static void ReplaceAtomically(string from, string to)
        {
            if (IsWindows)
            {
                if (!MoveFileEx(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
                    throw new IOException($"Cannot move '{from}' to '{to}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
                return;
            }
            if (rename(from, to) != 0)
                throw new IOException($"Cannot move '{from}' to '{to}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }

        /// <summary>A second name for the same file; false where the file system cannot (then copy).</summary>
        public static bool TryHardLink(string existing, string newPath)
        {
            try
            {
                return IsWindows ? CreateHardLink(newPath, existing, IntPtr.Zero) : link(existing, newPath) == 0;
            }
            catch (EntryPointNotFoundException) { return false; }
            catch (DllNotFoundException) { return false; }
        }

        /// <summary>
        /// Gives <paramref name="to"/> the owner, group and permission bits of <paramref name="from"/>
        /// (a file, or for a new database its folder, whose mode is then left private). Returns why
        /// it could not, or null: a restored database bunqueue's user cannot open is no restore.
        /// </summary>
        public static string TryCopyOwnership(string from, string to, bool copyMode)
        {
            if (IsWindows) return null;
            try
            {
                var buffer = new byte[256];
                const int AT_FDCWD = -100;
                if (statx(AT_FDCWD, from, 0, 0x7ff /* STATX_BASIC_STATS */, buffer) != 0)
                    return $"cannot read the owner of '{from}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
                var uid = BitConverter.ToUInt32(buffer, 20);
                var gid = BitConverter.ToUInt32(buffer, 24);
                var mode = BitConverter.ToUInt16(buffer, 28) & 0xFFFu;
                if (copyMode && chmod(to, mode) != 0)
                    return $"cannot set the mode of '{to}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
                if (chown(to, uid, gid) != 0)
                    return $"cannot give '{to}' to uid {uid} gid {gid}: {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
                return null;
            }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        /// <summary>
        /// "major:minor:inode" of the file a path leads to (symlinks followed; for /proc/PID/fd/N,
        /// the open file itself), or null when it cannot be read. Two paths with the same id are
        /// the same file, however each of them reaches it.
        /// </summary>
        public static string TryGetFileId(string path)
        {
            if (IsWindows) return null;
            try
            {
                var buffer = new byte[256];
                const int AT_FDCWD = -100;
                const uint STATX_INO = 0x100;
                if (statx(AT_FDCWD, path, 0, STATX_INO, buffer) != 0) return null;
                if ((BitConverter.ToUInt32(buffer, 0) & STATX_INO) == 0) return null;
                var inode = BitConverter.ToUInt64(buffer, 32);
                var devMajor = BitConverter.ToUInt32(buffer, 136);
                var devMinor = BitConverter.ToUInt32(buffer, 140);
                return $"{devMajor}:{devMinor}:{inode}";
            }
            catch (EntryPointNotFoundException) { return null; }
            catch (DllNotFoundException) { return null; }
        }

        public static string ReadLink(string path)
        {
            if (IsWindows) return null;
            var buffer = new byte[4096];
            var n = readlink(path, buffer, (IntPtr)buffer.Length).ToInt64();
            return n <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        public static void TryDelete(string path)
        {
            try { if (path != null && File.Exists(path)) File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
