using System;
using System.IO;

namespace BqBackup.IO
{
    /// <summary>
    /// How much room a fetch needs and whether a folder's file system has it. A backup is only
    /// written where its database, plus a margin of a tenth and 64 MiB, fits; a disk that fills
    /// anyway (something else wrote meanwhile) is told apart from other write errors.
    /// </summary>
    internal static class FreeSpace
    {
        public const long FixedMargin = 64L * 1024 * 1024;

        /// <summary><paramref name="bytes"/> plus 10% plus 64 MiB: the SQLite file and room for the system to breathe.</summary>
        public static long WithMargin(long bytes)
        {
            var b = Math.Max(0, bytes);
            var needed = b + b / 10 + FixedMargin;
            return needed < b ? long.MaxValue : needed;
        }

        /// <summary>Bytes this user may still write on the file system holding <paramref name="folder"/>, or null when it cannot be told.</summary>
        public static long? Available(string folder)
        {
            try { return new DriveInfo(folder).AvailableFreeSpace; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException || e is System.Security.SecurityException)
            {
                return null;
            }
        }

        /// <summary>ENOSPC or EDQUOT on Unix (the errno is the HResult there), ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
        public static bool IsDiskFull(Exception e)
        {
            if (!(e is IOException)) return false;
            var h = e.HResult;
            if (NativeFile.IsWindows) return h == unchecked((int)0x80070070) || h == unchecked((int)0x80070027);
            return h == 28 || h == (NativeFile.IsMac ? 69 : 122);
        }
    }
}
