using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace BqBackup.IO
{
    /// <summary>
    /// An exclusive lock on a lock file beside a database, as flock: the kernel drops it with its
    /// process, so a killed holder never blocks the next one. The file is created exclusively and
    /// private; one a killed run left is opened without following a link at its name (a link or a
    /// special file there is LinkRefused) and never written. The name is removed on Dispose.
    /// </summary>
    internal sealed class LockFile : IDisposable
    {
        private readonly string path;
        private readonly IDisposable owner;
        private readonly SafeFileHandle handle;

        private LockFile(string path, IDisposable owner, SafeFileHandle handle)
        {
            this.path = path;
            this.owner = owner;
            this.handle = handle;
        }

        /// <summary>The lock, or null while another process holds it.</summary>
        public static LockFile TryAcquire(string path)
        {
            if (NativeFile.IsWindows) return TryAcquireWindows(path);
            for (var attempt = 0; attempt < 5; attempt++)
            {
                IDisposable owner;
                SafeFileHandle handle;
                try
                {
                    var created = NativeFile.CreatePrivate(path, 1);
                    owner = created;
                    handle = created.SafeFileHandle;
                }
                catch (IOException) when (NativeFile.ExistsNoFollow(path))
                {
                    try { handle = NativeFile.OpenNoFollow(path, write: false); }
                    catch (FileNotFoundException) { continue; }
                    owner = handle;
                }
                try
                {
                    var status = NativeFile.FStat(handle);
                    if (status.HasValue && !status.Value.IsRegularFile) throw NativeFile.LinkRefused(path);
                    if (!NativeFile.TryLockExclusive(handle))
                    {
                        owner.Dispose();
                        return null;
                    }
                    // The holder before us may have removed the name between our open and our lock:
                    // the lock counts only on the file that still carries the name.
                    var named = NativeFile.LStat(path);
                    if (!status.HasValue || (named.HasValue && named.Value.IsSameFile(status.Value)))
                        return new LockFile(path, owner, handle);
                    owner.Dispose();
                }
                catch
                {
                    owner.Dispose();
                    throw;
                }
            }
            return null;
        }

        private static LockFile TryAcquireWindows(string path)
        {
            if (NativeFile.IsLinkOrReparsePoint(path)) throw NativeFile.LinkRefused(path);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (!NativeFile.IsLinkOrReparsePoint(path))
            {
                return null;
            }
            if (!NativeFile.IsLinkOrReparsePoint(path)) return new LockFile(path, stream, null);
            stream.Dispose();
            throw NativeFile.LinkRefused(path);
        }

        public void Dispose()
        {
            if (handle != null)
            {
                // Remove the name only while it is still ours; then let go of the lock.
                var mine = NativeFile.FStat(handle);
                var named = NativeFile.LStat(path);
                if (mine.HasValue && named.HasValue && named.Value.IsSameFile(mine.Value)) NativeFile.TryUnlink(path);
            }
            owner.Dispose();
        }
    }
}
