using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Reflection;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BqBackup.IO
{
    /// <summary>
    /// The few file-system primitives netstandard2.0 lacks: private modes, atomic replace, hard
    /// links and link reading. Unix goes to libc; Windows to kernel32 where it has an equivalent.
    /// Nothing here creates a file through a link: files are created exclusively (O_CREAT|O_EXCL,
    /// which fails on any name that exists, a dangling link included), renames and links replace
    /// or refuse a name and never follow it.
    /// </summary>
    internal static partial class NativeFile
    {
        public static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        [DllImport("libc", SetLastError = true, EntryPoint = "chmod")]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc", SetLastError = true, EntryPoint = "rename")]
        private static extern int rename(string from, string to);

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

        /// <summary>
        /// Creates an empty file that only its owner can read (0600 from its first moment), failing
        /// if anything exists at that name; a link there is LinkRefused and is not followed.
        /// </summary>
        public static FileStream CreatePrivate(string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None)
        {
            if (IsWindows && IsLinkOrReparsePoint(path)) throw LinkRefused(path);
            FileStream stream;
            try
            {
                stream = IsWindows ? new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize, options)
                    : CreateNewUnix(path, bufferSize, options);
            }
            catch (IOException) when (IsLinkOrReparsePoint(path))
            {
                throw LinkRefused(path);
            }
            try
            {
                // Windows: CreateNew through a dangling link would have made the link's target; say so.
                if (IsWindows && IsLinkOrReparsePoint(path)) throw LinkRefused(path);
                if (!IsWindows && CreateWithMode == null) SetMode(stream.SafeFileHandle, 0x180u);
                return stream;
            }
            catch
            {
                stream.Dispose();
                if (!IsWindows) TryDelete(path);
                throw;
            }
        }

        /// <summary>O_CREAT|O_EXCL with mode 0600 (FileStreamOptions.UnixCreateMode, .NET 7+); else O_CREAT|O_EXCL and fchmod before any byte is written.</summary>
        private static FileStream CreateNewUnix(string path, int bufferSize, FileOptions options)
        {
            if (CreateWithMode == null)
                return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize, options);
            try { return CreateWithMode(path, bufferSize, options); }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        // Reached by reflection: the assembly targets netstandard2.0, the runtime under pwsh 7 has it.
        private static readonly Func<string, int, FileOptions, FileStream> CreateWithMode = BuildCreateWithMode();

        private static Func<string, int, FileOptions, FileStream> BuildCreateWithMode()
        {
            var optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions");
            var unixMode = optionsType?.GetProperty("UnixCreateMode");
            var ctor = optionsType == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
            var modeType = unixMode == null ? null : Nullable.GetUnderlyingType(unixMode.PropertyType) ?? unixMode.PropertyType;
            if (ctor == null || modeType == null || !modeType.IsEnum) return null;
            var privateMode = Enum.ToObject(modeType, 0x180 /* UserRead | UserWrite */);
            return (path, bufferSize, options) =>
            {
                var o = Activator.CreateInstance(optionsType);
                optionsType.GetProperty("Mode").SetValue(o, FileMode.CreateNew);
                optionsType.GetProperty("Access").SetValue(o, FileAccess.ReadWrite);
                optionsType.GetProperty("Share").SetValue(o, FileShare.Read | FileShare.Delete);
                optionsType.GetProperty("BufferSize").SetValue(o, bufferSize);
                optionsType.GetProperty("Options").SetValue(o, options);
                unixMode.SetValue(o, privateMode);
                return (FileStream)ctor.Invoke(new[] { path, o });
            };
        }

        /// <summary>True when a symbolic link (or on Windows any reparse point) sits at the name itself.</summary>
        public static bool IsLinkOrReparsePoint(string path)
        {
            var status = LStat(path);
            if (status.HasValue) return status.Value.IsSymbolicLink;
            try { return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException) { return false; }
        }

        /// <summary>Whether anything is at the name, a dangling link included; links are not followed.</summary>
        public static bool ExistsNoFollow(string path)
        {
            if (LStat(path).HasValue) return true;
            return File.Exists(path) || Directory.Exists(path) || IsLinkOrReparsePoint(path);
        }

        /// <summary>A folder only its owner may enter (0700), failing if anything is at that name.</summary>
        public static void CreatePrivateDirectory(string path)
        {
            if (IsWindows)
            {
                if (ExistsNoFollow(path)) throw new IOException($"'{path}' already exists.");
                Directory.CreateDirectory(path);
                return;
            }
            if (mkdir(path, 0x1C0u /* 0700 */) != 0)
                throw new IOException($"Cannot create the folder '{path}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }

        /// <summary>
        /// Gives <paramref name="from"/> a new name that must not exist yet, as one step: a link
        /// (or another file) already at <paramref name="to"/> fails it and is not followed, and a
        /// link being moved moves as the link itself.
        /// </summary>
        public static void MoveNoReplace(string from, string to)
        {
            if (IsWindows)
            {
                File.Move(from, to);
                return;
            }
            if (linkat(AtFdCwd, from, AtFdCwd, to, 0) == 0)
            {
                if (unlink(from) == 0) return;
                var unlinkErrno = Marshal.GetLastWin32Error();
                unlink(to);
                throw new IOException($"Cannot move '{from}' to '{to}': {new Win32Exception(unlinkErrno).Message}", unlinkErrno);
            }
            var errno = Marshal.GetLastWin32Error();
            if (errno == ErrnoExists || ExistsNoFollow(to))
                throw new IOException($"Cannot move '{from}' to '{to}': it already exists.", ErrnoExists);
            if (errno == ErrnoNoEntry) throw new FileNotFoundException($"'{from}' does not exist.", from);
            // A file system without hard links: a rename, the name checked free just above.
            ReplaceAtomically(from, to);
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
                // linkat without AT_SYMLINK_FOLLOW: a link at `existing` is linked as the link, and an
                // existing `newPath` (a planted link too) fails it.
                return IsWindows ? CreateHardLink(newPath, existing, IntPtr.Zero) : linkat(AtFdCwd, existing, AtFdCwd, newPath, 0) == 0;
            }
            catch (EntryPointNotFoundException) { return false; }
            catch (DllNotFoundException) { return false; }
        }

        /// <summary>
        /// Gives the open file <paramref name="to"/> the owner, group and permission bits of
        /// <paramref name="from"/> (a file, or for a new database its folder, whose mode is then
        /// left private). Works on the descriptor, so no link swapped in at the file's name can
        /// redirect it. Returns why it could not, or null: a restored database bunqueue's user
        /// cannot open is no restore.
        /// </summary>
        public static string TryCopyOwnership(string from, SafeFileHandle to, bool copyMode)
        {
            if (IsWindows) return null;
            try
            {
                var source = Stat(from);
                if (source == null) return $"cannot read the owner of '{from}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
                var fd = Fd(to);
                if (copyMode && fchmod(fd, source.Value.Permissions) != 0)
                    return $"cannot set the mode of the restored file: {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
                if (fchown(fd, source.Value.Uid, source.Value.Gid) != 0)
                    return $"cannot give the restored file to uid {source.Value.Uid} gid {source.Value.Gid}: {new Win32Exception(Marshal.GetLastWin32Error()).Message}";
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
        public static string TryGetFileId(string path) => Stat(path)?.Id;

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
